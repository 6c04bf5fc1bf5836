import { computeAppSegmentName } from '../workspace/project.js';
import { TesseraError } from '../errors/tessera-error.js';

/** Headers a stored object is served with. */
export interface PutOptions {
  contentType: string;
  cacheControl: string;
}

/** One object as a listing shows it. */
export interface StoredObject {
  key: string;
  /** When it was written, in ms since the epoch. */
  modifiedAt: number;
}

/** `created`: this call wrote the object; `exists`: an object was already there (nothing was written). */
export type PutResult = 'created' | 'exists';

/**
 * Where bundles live: the file system (the embedded default) or S3. Keys are POSIX paths
 * (`apps/<app>/<version>/<file>`). Every write is an exclusive create, so nothing once
 * stored is ever overwritten; that is what makes versions immutable.
 */
export interface Store {
  /** Where the store is, for messages: a directory, or `s3://bucket/prefix at <endpoint>`. */
  readonly location: string;
  /** Writes `body` under `key` unless an object is already there. */
  putIfAbsent(key: string, body: Uint8Array, options: PutOptions): Promise<PutResult>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** Whether an object is under `key`, without reading it (S3: one HEAD request). */
  has(key: string): Promise<boolean>;
  /** The names directly under `prefix` (which ends in `/`) that have children: "directories". */
  listChildren(prefix: string): Promise<string[]>;
  /** Releases clients and sockets. */
  close(): Promise<void>;
  /** The object's bytes and its entity tag (what `putIfMatch` compares), or null. */
  readTagged(key: string): Promise<{ body: Buffer; etag: string } | null>;
  /**
   * Compare-and-swap for the few mutable objects (release manifests): writes only when the
   * stored object still has `etag` (null: only when there is none). False = someone else
   * wrote first; the caller re-reads and decides again.
   */
  putIfMatch(key: string, body: Uint8Array, options: PutOptions, etag: string | null): Promise<boolean>;
  /** Every object under `prefix`, at any depth, sorted by key. */
  listObjects(prefix: string): Promise<StoredObject[]>;
  /** Deletes one object; deleting a missing one is not an error. */
  delete(key: string): Promise<void>;
}

/** A name that may be one path segment: letters, digits, `.`, `_`, `-`; not `.` or `..`. */
const SAFE_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;
/** A file inside a bundle: segments as above plus `@`, `+`, `~` (esbuild keeps source names). */
const SAFE_FILE_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._@+~-]{1,200}$/;

/** Refuses an app name or version that could escape its directory or is not a plain name. */
export function assertSafeName(kind: 'app' | 'version', value: string): void {
  if (kind === 'app') {
    computeAppSegment(value);
    return;
  }
  if (!SAFE_SEGMENT.test(value)) {
    throw new TesseraError('TESSERA_UNSAFE_NAME', `The ${kind} ${JSON.stringify(value)} is not safe as a path segment`);
  }
}

/** Refuses a bundle file path with `..`, absolute or empty segments, or unusual characters. */
export function assertSafeFilePath(path: string): void {
  if (!path.split('/').every((segment) => SAFE_FILE_SEGMENT.test(segment))) {
    throw new TesseraError('TESSERA_UNSAFE_NAME', `The bundle file ${JSON.stringify(path)} is not safe as a path`, { hint: 'Bundle files are named by esbuild; rename the source file so that its name holds only letters, digits and . _ - @ + ~' });
  }
}

/**
 * An app's name as one key segment: a package name's scope slash becomes `+` (`@acme/web` →
 * `@acme+web`; npm names cannot hold `+`, so no two apps share a segment). Checked as safe.
 */
export function computeAppSegment(app: string): string {
  // A plain name, or one npm scope and a name (`@acme/web`); no segment may be `.` or `..`.
  const scoped = /^(@[A-Za-z0-9._-]+\/)?([A-Za-z0-9._-]+)$/.exec(app);
  if (!scoped || app.length > 214 || /^\.{1,2}$/.test(scoped[2]!) || /^@\.{1,2}\/$/.test(scoped[1] ?? '')) {
    throw new TesseraError('TESSERA_UNSAFE_NAME', `The app ${JSON.stringify(app)} is not safe as a path segment`);
  }
  return computeAppSegmentName(app);
}

/** The key prefix of one app's versions (name checked). */
export function computeAppPrefix(app: string): string {
  return `apps/${computeAppSegment(app)}/`;
}

/** The key prefix of one version of one app (names checked). */
export function computeVersionPrefix(app: string, version: string): string {
  assertSafeName('version', version);
  return `${computeAppPrefix(app)}${version}/`;
}
