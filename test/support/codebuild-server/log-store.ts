import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** One CloudWatch Logs event, as GetLogEvents returns it (times in epoch milliseconds). */
export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

/** One GetLogEvents page. */
export interface LogPage {
  events: LogEvent[];
  nextForwardToken: string;
  nextBackwardToken: string;
}

/** What GetLogEvents asks for. */
export interface LogQuery {
  nextToken?: string;
  startFromHead?: boolean;
  /** @default 10000 (CloudWatch's maximum) */
  limit?: number;
}

/** CloudWatch Logs' page limits: 10,000 events or 1 MB, whichever comes first. */
const MAX_EVENTS = 10_000;
const MAX_PAGE_BYTES = 1024 * 1024;
/** Pending writes are flushed past this size (and before every read). */
const FLUSH_BYTES = 256 * 1024;

interface Stream {
  fd: number;
  /** Byte offset where each event starts: 8 bytes per event in memory, the text stays on disk. */
  offsets: number[];
  size: number;
  pending: string[];
  pendingBytes: number;
}

/** Log groups and streams; the text lives in one file per stream. */
export interface LogStore {
  createGroup(group: string): void;
  hasGroup(group: string): boolean;
  hasStream(group: string, stream: string): boolean;
  append(group: string, stream: string, timestamp: number, message: string): void;
  /** A page, or why there is none: the group or stream does not exist, or the token is not one of ours. */
  read(group: string, stream: string, query: LogQuery): LogPage | 'NO_GROUP' | 'NO_STREAM' | 'BAD_TOKEN';
  close(): void;
}

/** AWS's tokens look like `f/3792…` (56 digits); ours carry the event index in the same shape. */
const token = (direction: 'f' | 'b', index: number) => `${direction}/${String(index).padStart(56, '0')}`;

/**
 * A CloudWatch Logs store that keeps every event of every stream on disk (one NDJSON file
 * per stream under `dir`) and only an offset per event in memory, so a build printing
 * 100 MB costs ~8 MB of offsets for a million lines, not 100 MB of strings. Pages follow
 * GetLogEvents: forward from the head or back from the tail, at most 10,000 events or
 * 1 MB, and reading past the end returns the same forward token again.
 */
export function createLogStore(dir: string): LogStore {
  const groups = new Map<string, Map<string, Stream>>();
  let files = 0;

  const flush = (s: Stream) => {
    if (s.pending.length === 0) return;
    writeSync(s.fd, s.pending.join(''));
    s.pending = [];
    s.pendingBytes = 0;
  };

  const readEvents = (s: Stream, start: number, end: number): LogEvent[] => {
    if (end <= start) return [];
    const from = s.offsets[start]!;
    const to = end < s.offsets.length ? s.offsets[end]! : s.size;
    const buffer = Buffer.alloc(to - from);
    readSync(s.fd, buffer, 0, buffer.length, from);
    return buffer
      .toString('utf8')
      .split('\n')
      .slice(0, end - start)
      .map((line) => {
        const [timestamp, ingestionTime, message] = JSON.parse(line) as [number, number, string];
        return { timestamp, message, ingestionTime };
      });
  };

  const bytes = (s: Stream, start: number, end: number) => (end < s.offsets.length ? s.offsets[end]! : s.size) - s.offsets[start]!;

  return {
    createGroup(group) {
      if (!groups.has(group)) groups.set(group, new Map());
    },
    hasGroup: (group) => groups.has(group),
    hasStream: (group, stream) => groups.get(group)?.has(stream) ?? false,
    append(group, stream, timestamp, message) {
      if (!groups.has(group)) groups.set(group, new Map());
      const streams = groups.get(group)!;
      let s = streams.get(stream);
      if (!s) {
        s = { fd: openSync(join(dir, `stream-${++files}.ndjson`), 'w+'), offsets: [], size: 0, pending: [], pendingBytes: 0 };
        streams.set(stream, s);
      }
      const line = `${JSON.stringify([timestamp, Date.now(), message])}\n`;
      const length = Buffer.byteLength(line);
      s.offsets.push(s.size);
      s.size += length;
      s.pending.push(line);
      s.pendingBytes += length;
      if (s.pendingBytes > FLUSH_BYTES) flush(s);
    },
    read(group, stream, query) {
      const streams = groups.get(group);
      if (!streams) return 'NO_GROUP';
      const s = streams.get(stream);
      if (!s) return 'NO_STREAM';
      flush(s);
      const n = s.offsets.length;
      const limit = Math.min(query.limit ?? MAX_EVENTS, MAX_EVENTS);
      let start: number;
      let end: number;
      let forward: boolean;
      if (query.nextToken) {
        const match = /^([fb])\/(\d{56})$/.exec(query.nextToken);
        if (!match || Number(match[2]) > n) return 'BAD_TOKEN';
        forward = match[1] === 'f';
        const at = Number(match[2]);
        [start, end] = forward ? [at, Math.min(n, at + limit)] : [Math.max(0, at - limit), at];
      } else {
        forward = query.startFromHead === true;
        [start, end] = forward ? [0, Math.min(n, limit)] : [Math.max(0, n - limit), n];
      }
      // Trim to 1 MB from the side the reader comes from, keeping at least one event.
      while (end - start > 1 && bytes(s, start, end) > MAX_PAGE_BYTES) {
        if (forward) end--;
        else start++;
      }
      return { events: readEvents(s, start, end), nextForwardToken: token('f', end), nextBackwardToken: token('b', start) };
    },
    close() {
      for (const streams of groups.values()) for (const s of streams.values()) closeSync(s.fd);
      groups.clear();
    },
  };
}
