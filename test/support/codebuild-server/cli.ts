/**
 * Starts the CodeBuild + CloudWatch Logs test server for this repository, prints the
 * environment a user sets to try `tessera build --executor codebuild` against it, and runs
 * until Ctrl-C.
 *
 *   npx tsx test/support/codebuild-server/cli.ts [--port 4599] [--project tessera=.]
 *     [--throttle-rate 0.1] [--account-limit 4] [--queue-limit 20] [--fault-rate 0] [--provisioning-delay-ms 500]
 *     [--time-scale 1] [--seed 1]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCodeBuildServer, type ServerProject } from './server.js';

const USAGE = `usage: tsx test/support/codebuild-server/cli.ts [--port N] [--project NAME=DIR]... [--throttle-rate R] [--account-limit N] [--queue-limit N] [--fault-rate R] [--provisioning-delay-ms MS] [--time-scale X] [--seed N]`;

/** Parses the flags, starts the server and prints how to use it; null after --help. */
async function main(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4599' },
      project: { type: 'string', multiple: true },
      'throttle-rate': { type: 'string' },
      'account-limit': { type: 'string' },
      'queue-limit': { type: 'string' },
      'fault-rate': { type: 'string' },
      'provisioning-delay-ms': { type: 'string' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return null;
  }
  const number = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value)) throw new Error(`--${flag} must be a number, got ${JSON.stringify(text)}\n${USAGE}`);
    return value;
  };
  const projects: ServerProject[] = (values.project ?? ['tessera=.']).map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new Error(`--project must be NAME=DIR, got ${JSON.stringify(spec)}\n${USAGE}`);
    const sourceDir = resolve(spec.slice(eq + 1));
    const nodeModules = join(sourceDir, 'node_modules');
    return { name: spec.slice(0, eq), sourceDir, ...(existsSync(nodeModules) ? { nodeModulesDir: nodeModules } : {}) };
  });
  const server = await startCodeBuildServer({
    projects,
    port: number('port', values.port),
    throttleRate: number('throttle-rate', values['throttle-rate']),
    accountConcurrencyLimit: number('account-limit', values['account-limit']),
    queueLimit: number('queue-limit', values['queue-limit']),
    faultRate: number('fault-rate', values['fault-rate']),
    provisioningDelayMs: number('provisioning-delay-ms', values['provisioning-delay-ms']),
    timeScale: number('time-scale', values['time-scale']),
    seed: number('seed', values.seed),
  });
  console.error(`CodeBuild + CloudWatch Logs test server on ${server.url}, projects: ${projects.map((p) => `${p.name} (${p.sourceDir})`).join(', ')}`);
  console.error('Set these to build against it (Ctrl-C stops the server):\n');
  console.log(
    [
      `export AWS_ENDPOINT_URL_CODEBUILD=${server.url}`,
      `export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=${server.url}`,
      'export AWS_ACCESS_KEY_ID=test',
      'export AWS_SECRET_ACCESS_KEY=test',
      'export AWS_REGION=us-east-1',
      // Its builds run on this machine, so they can publish to the workspace's directory store.
      'export TESSERA_ALLOW_LOCAL_STORE_WITH_CODEBUILD=1',
    ].join('\n'),
  );
  const project = projects[0]!.name;
  console.error(`\nthen: npm exec tessera -- build --affected --files libs/api-client/src/orders.ts --executor codebuild --store .tessera/codebuild-store${project === 'tessera' ? '' : `   (with "codebuild": { "project": "${project}" } in tessera.config.json)`}`);
  return server;
}

// The entry file alone exits: on a flag error (2) and after Ctrl-C, once builds are stopped.
main(process.argv.slice(2)).then(
  (server) => {
    if (!server) return;
    let closing = false;
    const stop = () => {
      if (closing) return;
      closing = true;
      console.error('\nstopping builds and closing…');
      void server.close().then(() => process.exit(130));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  },
  (error: Error) => {
    console.error(error.message);
    process.exit(2);
  },
);
