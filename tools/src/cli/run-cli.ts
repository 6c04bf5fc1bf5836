import { createProcessIo } from './io.js';
import { main } from './main.js';

/** The process entry: the only place that sets the exit status. */
export async function runCli(): Promise<void> {
  const io = createProcessIo();
  const code = await main(process.argv.slice(2), io);
  process.exitCode = code;
  // Signal handlers keep the process alive otherwise.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
}
