import { userInfo } from 'node:os';
import { TesseraError } from '../errors/tessera-error.js';
import type { ReleaseAction } from '../release/next-release.js';
import type { ReleaseManifest } from '../release/release-manifest.js';
import { readRelease, updateRelease } from '../release/update-release.js';
import { openStore } from '../store/open-store.js';
import { readWorkspace } from '../workspace/read-workspace.js';

export interface ReleaseAppOptions {
  /** The workspace root. */
  root: string;
  app: string;
  /** Who asks, for the release history. @default "<user> via the Tessera API" */
  actor?: string;
  /** The store's URL, over tessera.config.json `store`. */
  storeUrl?: string;
}

/** Opens the app's store (checking the app exists), runs `use`, and closes it. */
async function withAppStore<T>(options: ReleaseAppOptions, use: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const workspace = await readWorkspace(options.root);
  const apps = workspace.apps.map((a) => a.name).sort();
  if (!apps.includes(options.app)) throw new TesseraError('TESSERA_UNKNOWN_APP', `No app named "${options.app}" in this workspace`, { hint: `Apps: ${apps.join(', ')}` });
  const store = await openStore(options.root, workspace.config.store, options.storeUrl);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** The app's release manifest: live version, canary, previews, history (`tessera release status APP`). */
export async function readAppRelease(options: ReleaseAppOptions): Promise<ReleaseManifest> {
  return withAppStore(options, async (store) => (await readRelease(store, options.app)).manifest);
}

/**
 * One release action on one app (`tessera release start|shift|promote|abort|rollback|preview|unpreview`),
 * applied to the manifest in the store with a conditional write. Returns the new manifest and
 * whether it changed.
 */
export async function releaseApp(options: ReleaseAppOptions & { action: ReleaseAction }): Promise<{ manifest: ReleaseManifest; changed: boolean }> {
  const actor = options.actor ?? `${userInfo().username} via the Tessera API`;
  return withAppStore(options, async (store) => {
    const result = await updateRelease(store, options.app, options.action, { actor });
    return { manifest: result.manifest, changed: result.changed };
  });
}
