import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileImports, FileImportsOptions } from './read-file-imports.js';

/** Worker threads reading files' imports (graph-worker.ts), a batch of paths at a time. */
export interface ReaderPool {
  /** Workers with no batch in hand. */
  readonly idle: number;
  /** Reads a batch on an idle worker. */
  read(paths: string[]): Promise<FileImports[]>;
  close(): Promise<void>;
}

/** The built worker script beside the module that asks (tools/dist/graph-worker.js), or null when running from the TypeScript sources. */
export function findReaderScript(): URL | null {
  for (const candidate of ['./graph-worker.js', '../graph-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/**
 * Starts `count` worker threads running `script` with `options`. A worker that fails
 * rejects the batch it held; the caller stops the walk (the error is a bug, not input).
 */
export function createReaderPool(script: URL, count: number, options: FileImportsOptions): ReaderPool {
  const free: Worker[] = [];
  const all: Worker[] = [];
  for (let i = 0; i < count; i++) {
    const worker = new Worker(script, { workerData: options });
    // An idle worker must not keep the process alive if the caller forgets close().
    worker.unref();
    all.push(worker);
    free.push(worker);
  }
  return {
    get idle() {
      return free.length;
    },
    read(paths) {
      const worker = free.pop();
      if (!worker) return Promise.reject(new Error('no idle graph worker'));
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => {
          worker.off('message', onMessage);
          reject(error);
        };
        const onMessage = (records: FileImports[]) => {
          worker.off('error', onError);
          free.push(worker);
          resolve(records);
        };
        worker.once('message', onMessage);
        worker.once('error', onError);
        worker.postMessage(paths);
      });
    },
    async close() {
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
