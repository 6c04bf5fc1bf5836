import type { Store } from '../store/store.js';
import { parseRelease, releaseKey } from '../release/update-release.js';
import type { ReleaseManifest } from '../release/release-manifest.js';

/** What the edge knows of one app's release: the last good manifest, and the last problem. */
export interface WatchedRelease {
  manifest: ReleaseManifest | null;
  etag: string | null;
  /** Why the latest read was not used (a corrupt manifest, an unreachable store), or null. */
  error: string | null;
  /** ISO time of the latest read attempt. */
  checkedAt: string | null;
}

/** The edge's view of every app's release, refreshed by polling ETags. */
export interface ReleaseWatcher {
  get(app: string): WatchedRelease;
  /** Reads every manifest whose ETag moved; a bad one keeps the last good one and records why. */
  refresh(): Promise<void>;
  /** Polls every `intervalMs` until close(). */
  start(intervalMs: number): void;
  close(): void;
}

/**
 * Watches the apps' release manifests in the store. A corrupt manifest, or a store that cannot
 * be reached, never empties the edge: it keeps serving the last good manifest and reports the
 * problem on /healthz, so a bad write cannot take an app down.
 */
export function createReleaseWatcher(store: Store, apps: readonly string[]): ReleaseWatcher {
  const state = new Map<string, WatchedRelease>(apps.map((app) => [app, { manifest: null, etag: null, error: null, checkedAt: null }]));
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function refreshApp(app: string): Promise<void> {
    const current = state.get(app)!;
    const checkedAt = new Date().toISOString();
    try {
      const stored = await store.readTagged(releaseKey(app));
      if (!stored) {
        state.set(app, { manifest: null, etag: null, error: null, checkedAt });
        return;
      }
      if (stored.etag === current.etag && current.error === null) {
        state.set(app, { ...current, checkedAt });
        return;
      }
      const manifest = parseRelease(stored.body, `${store.location}/${releaseKey(app)}`);
      state.set(app, { manifest, etag: stored.etag, error: null, checkedAt });
    } catch (error) {
      state.set(app, { ...current, error: (error as Error).message, checkedAt });
    }
  }

  const watcher: ReleaseWatcher = {
    get: (app) => state.get(app) ?? { manifest: null, etag: null, error: null, checkedAt: null },
    refresh() {
      // A read already under way may have started before the caller's write: queue a fresh
      // one behind it (polls never overlap, and a caller always sees what it wrote).
      const next = (running ?? Promise.resolve()).then(async () => {
        await Promise.all(apps.map(refreshApp));
      });
      running = next;
      next.then(
        () => (running === next ? (running = null) : undefined),
        () => (running === next ? (running = null) : undefined),
      );
      return next;
    },
    start(intervalMs) {
      const tick = () => {
        timer = setTimeout(() => void watcher.refresh().finally(() => timer && tick()), intervalMs);
        timer.unref();
      };
      tick();
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
  return watcher;
}
