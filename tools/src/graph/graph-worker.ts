/**
 * A worker thread of the parser engine (see walk-imports.ts): reads, parses and resolves the
 * files it is sent, a batch per message, and answers with their FileImports. Built as its
 * own entry (tools/dist/graph-worker.js); run from the TypeScript sources, the engine reads
 * on its main thread instead.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createFileImportsReader, type FileImportsOptions } from './read-file-imports.js';

const { read } = createFileImportsReader(workerData as FileImportsOptions);
parentPort!.on('message', (paths: string[]) => {
  parentPort!.postMessage(paths.map(read));
});
