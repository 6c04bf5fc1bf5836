import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileImports, FileImportsOptions } from './read-file-imports.js';

/** Worker threads reading files' imports (graph-worker.ts), a batch of paths at a time. */
export interface ReaderPool {
  /** Batches the workers can take now. */
  readonly idle: number;
  /** Reads a batch on the least busy worker. */
  read(paths: string[]): Promise<FileImports[]>;
  close(): Promise<void>;
}

/** Batches a worker holds at once: the next one waits in its queue while it reads, so it never waits for the main thread. */
const DEPTH = 2;

/** The built worker script beside the module that asks (tools/dist/graph-worker.js), or null when running from the TypeScript sources. */
export function findReaderScript(): URL | null {
  for (const candidate of ['./graph-worker.js', '../graph-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

interface Slot {
  worker: Worker;
  /** Callbacks of the batches it holds, oldest first: a worker answers in order. */
  waiting: { resolve: (records: FileImports[]) => void; reject: (error: unknown) => void }[];
}

/**
 * Starts `count` worker threads running `script` with `options`. A worker that fails
 * rejects every batch it held; the caller stops the walk (the error is a bug, not input).
 */
export function createReaderPool(script: URL, count: number, options: FileImportsOptions): ReaderPool {
  const slots: Slot[] = [];
  for (let i = 0; i < count; i++) {
    const slot: Slot = { worker: new Worker(script, { workerData: options }), waiting: [] };
    slot.worker.on('message', (records: FileImports[]) => {
      slot.waiting.shift()?.resolve(records);
      if (!slot.waiting.length) slot.worker.unref();
    });
    slot.worker.on('error', (error) => {
      for (const w of slot.waiting.splice(0)) w.reject(error);
    });
    // Referenced only while it holds a batch: an idle worker must not keep the process alive if the caller forgets close().
    slot.worker.unref();
    slots.push(slot);
  }
  return {
    get idle() {
      return slots.reduce((n, s) => n + DEPTH - s.waiting.length, 0);
    },
    read(paths) {
      const slot = slots.reduce((a, b) => (b.waiting.length < a.waiting.length ? b : a));
      return new Promise((resolve, reject) => {
        slot.waiting.push({ resolve, reject });
        slot.worker.ref();
        slot.worker.postMessage(paths);
      });
    },
    async close() {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
