import { createProcessIo } from './io.js';
import { main } from './main.js';

/** The process entry: the only place that exits. */
export async function runCli(): Promise<void> {
  const io = createProcessIo();
  const controller = new AbortController();
  process.once('SIGINT', () => {
    controller.abort();
    process.exit(130);
  });
  const code = await main(process.argv.slice(2), io);
  process.exitCode = code;
}
