import { createProcessIo } from './io.js';
import { main } from './main.js';

/** The process entry: the only place that sets the exit status. */
export async function runCli(): Promise<void> {
  // Tessera supports Node 20 with the AWS SDK it locks; the SDK's notice that *future* SDK
  // releases will need Node 22 is not actionable for a Tessera user and buries our output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const io = createProcessIo();
  const code = await main(process.argv.slice(2), io);
  process.exitCode = code;
  // Signal handlers keep the process alive otherwise.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
}
