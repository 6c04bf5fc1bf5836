import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/**
 * Opens a file in the user's browser: `$BROWSER` when set (the convention many tools
 * share), else the platform's opener (`open`, `xdg-open`, `start`). Resolves once the
 * opener has started; rejects when it cannot be started.
 */
export function openInBrowser(file: string, env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): Promise<void> {
  const url = pathToFileURL(file).href;
  const [command, args] = env.BROWSER
    ? [env.BROWSER, [url]]
    : platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', env: env as NodeJS.ProcessEnv });
    child.once('error', (error) => reject(new Error(`cannot start ${command}: ${error.message}`, { cause: error })));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
