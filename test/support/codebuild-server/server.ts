/**
 * A CodeBuild + CloudWatch Logs server on 127.0.0.1 that speaks AWS JSON 1.1, so the real
 * AWS SDK v3 clients work against it unmodified. It runs builds for real (git worktree +
 * the buildspec runner) or simulates them, and can inject throttling, account limits and
 * faults. For tests, benchmarks and `npm run codebuild:local`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogStore, type LogStore } from './log-store.js';
import { runServerBuild, type WireBuild } from './run-server-build.js';
import { createSeededRandom } from '../seeded-random.js';

/** One CodeBuild project the server knows. */
export interface ServerProject {
  name: string;
  /** A local git repository: builds check out `sourceVersion` from it. */
  sourceDir: string;
  /** The buildspec's path inside the checkout. @default 'buildspec.yml' */
  buildspec?: string;
  /** Linked as `node_modules` into every checkout, so builds need no `npm ci`. */
  nodeModulesDir?: string;
}

/** `startCodeBuildServer` options. */
export interface CodeBuildServerOptions {
  projects: ServerProject[];
  /** @default 0 (a free port) */
  port?: number;
  /** Share of requests (0..1) answered with ThrottlingException. @default 0 */
  throttleRate?: number;
  /**
   * Builds that run at once (provisioned, past QUEUED). As on CodeBuild, a build started
   * beyond it waits in its QUEUED phase until one finishes, or until its queued timeout
   * (`queuedTimeoutInMinutesOverride`, else 480 minutes) ends it TIMED_OUT. @default Infinity
   */
  accountConcurrencyLimit?: number;
  /**
   * Builds that may wait in QUEUED at once; StartBuild beyond it is refused with
   * AccountLimitExceededException. @default 5 × accountConcurrencyLimit (CodeBuild's queue quota)
   */
  queueLimit?: number;
  /**
   * Builds for which this returns true are lost as soon as StartBuild answered: BatchGetBuilds
   * lists their ids under `buildsNotFound`, as for a build deleted meanwhile or asked of another
   * account or region. They still run, and `close()` still stops them. @default none
   */
  loseBuild?: (build: WireBuild) => boolean;
  /** Share of builds (0..1) that end FAULT in PROVISIONING. @default 0 */
  faultRate?: number;
  /** Decides which builds end FAULT in PROVISIONING instead of `faultRate` (e.g. only the first). */
  faultBuild?: (build: WireBuild) => boolean;
  /** Time spent in PROVISIONING. @default 0 */
  provisioningDelayMs?: number;
  /** Multiplies simulated durations (TESSERA_SIMULATE_SECONDS builds), e.g. 0.01 for benchmarks. @default 1 */
  timeScale?: number;
  /** Seed of the random source behind throttling and faults, for repeatable runs. @default 1 */
  seed?: number;
}

/** Counters for tests and benchmarks. */
export interface CodeBuildServerStats {
  /** Requests received per operation (`StartBuild`, `GetLogEvents`, ...), throttled ones included. */
  calls: Record<string, number>;
  /** The most builds ever running at once (past QUEUED). */
  maxConcurrentBuilds: number;
  /** The most builds ever waiting in QUEUED at once. */
  maxQueuedBuilds: number;
  /** How many ids each BatchGetBuilds call asked for (throttled calls are not listed). */
  batchGetBuildsIds: number[];
  throttled: number;
  /** StartBuild calls refused because the queue was full. */
  accountLimitRejections: number;
  buildsStarted: number;
}

/** A build the server holds: the API object plus what runs it. */
export interface ServerBuild {
  build: WireBuild;
  controller: AbortController;
  /** Settles when the build reached COMPLETED. */
  done: Promise<void>;
}

/** A running server. */
export interface CodeBuildServer {
  /** `http://127.0.0.1:<port>`: the endpoint for both SDK clients. */
  url: string;
  port: number;
  stats: CodeBuildServerStats;
  /** Every build by id (lost ones included). */
  builds: Map<string, ServerBuild>;
  /** Stops running builds (no process is left), then closes the socket and deletes the logs. */
  close(): Promise<void>;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const IDEMPOTENCY_MS = 5 * 60_000;
/** CodeBuild's default queued timeout, and the range of its override. */
const QUEUED_TIMEOUT_MINUTES = 480;
const COMPUTE_TYPES = new Set(['BUILD_GENERAL1_SMALL', 'BUILD_GENERAL1_MEDIUM', 'BUILD_GENERAL1_LARGE', 'BUILD_GENERAL1_XLARGE', 'BUILD_GENERAL1_2XLARGE']);
const projectArn = (name: string) => `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${name}`;

/** An AWS error answer: `__type` in the body and the x-amzn-ErrorType header, as the SDK reads them. */
class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}


/**
 * Starts the server on 127.0.0.1. Builds run in temp worktrees of each project's
 * `sourceDir`; logs are kept on disk (see log-store.ts). Call `close()` when done.
 */
export async function startCodeBuildServer(options: CodeBuildServerOptions): Promise<CodeBuildServer> {
  const root = mkdtempSync(join(tmpdir(), 'tessera-codebuild-'));
  const workDir = join(root, 'work');
  mkdirSync(workDir);
  mkdirSync(join(root, 'logs'));
  const logs: LogStore = createLogStore(join(root, 'logs'));
  const projects = new Map(options.projects.map((p) => [p.name, { ...p, sourceDir: resolve(p.sourceDir), created: Date.now() / 1000 }]));
  for (const name of projects.keys()) logs.createGroup(`/aws/codebuild/${name}`);
  const random = createSeededRandom(options.seed ?? 1);
  const builds = new Map<string, ServerBuild>();
  const buildNumbers = new Map<string, number>();
  const idempotency = new Map<string, { params: string; id: string; at: number }>();
  const gitLocks = new Map<string, Promise<unknown>>();
  const lost = new Set<string>();
  const stats: CodeBuildServerStats = { calls: {}, maxConcurrentBuilds: 0, maxQueuedBuilds: 0, batchGetBuildsIds: [], throttled: 0, accountLimitRejections: 0, buildsStarted: 0 };
  const slots = createSlots(options.accountConcurrencyLimit ?? Infinity);
  const queueLimit = options.queueLimit ?? 5 * (options.accountConcurrencyLimit ?? Infinity);

  const gitLock = <T>(dir: string, work: () => Promise<T>): Promise<T> => {
    const next = (gitLocks.get(dir) ?? Promise.resolve()).then(work, work);
    gitLocks.set(dir, next.catch(() => undefined));
    return next;
  };

  const findBuild = (id: string) => {
    const key = id.replace(/^arn:aws:codebuild:[^:]*:\d+:build\//, '');
    return lost.has(key) ? undefined : builds.get(key);
  };

  const operations: Record<string, (input: Record<string, any>) => unknown> = {
    'CodeBuild_20161006.StartBuild'(input) {
      const name = requireString(input, 'projectName');
      const project = projects.get(name);
      if (!project) throw new AwsError('ResourceNotFoundException', `Project cannot be found: ${projectArn(name)}`);
      const overrides = (input.environmentVariablesOverride ?? []) as { name?: string; value?: string; type?: string }[];
      if (!Array.isArray(overrides)) throw new AwsError('InvalidInputException', 'environmentVariablesOverride must be a list');
      for (const v of overrides) {
        if (!v?.name || typeof v.value !== 'string') throw new AwsError('InvalidInputException', 'Each environment variable override needs a name and a value');
        if (v.type && !['PLAINTEXT', 'PARAMETER_STORE', 'SECRETS_MANAGER'].includes(v.type)) throw new AwsError('InvalidInputException', `Invalid environment variable type: ${v.type}`);
      }
      const computeType = (input.computeTypeOverride as string | undefined) ?? 'BUILD_GENERAL1_SMALL';
      if (!COMPUTE_TYPES.has(computeType)) throw new AwsError('InvalidInputException', `Invalid compute type: ${computeType}`);
      const timeout = (input.timeoutInMinutesOverride as number | undefined) ?? 60;
      if (!Number.isInteger(timeout) || timeout < 5 || timeout > 2160) {
        throw new AwsError('InvalidInputException', `1 validation error detected: Value '${timeout}' at 'timeoutInMinutesOverride' failed to satisfy constraint: Member must have value between 5 and 2160`);
      }
      const queuedTimeout = (input.queuedTimeoutInMinutesOverride as number | undefined) ?? QUEUED_TIMEOUT_MINUTES;
      if (!Number.isInteger(queuedTimeout) || queuedTimeout < 5 || queuedTimeout > QUEUED_TIMEOUT_MINUTES) {
        throw new AwsError('InvalidInputException', `1 validation error detected: Value '${queuedTimeout}' at 'queuedTimeoutInMinutesOverride' failed to satisfy constraint: Member must have value between 5 and ${QUEUED_TIMEOUT_MINUTES}`);
      }
      const token = input.idempotencyToken as string | undefined;
      if (token) {
        const params = JSON.stringify({ ...input, idempotencyToken: undefined });
        const previous = idempotency.get(token);
        if (previous && Date.now() - previous.at < IDEMPOTENCY_MS) {
          if (previous.params !== params) throw new AwsError('InvalidInputException', `Idempotency token ${token} was used with different parameters`);
          return { build: builds.get(previous.id)!.build };
        }
      }
      // Over the concurrent-build limit CodeBuild queues the build; only a full queue refuses it.
      if (!slots.free() && slots.waiting() >= queueLimit) {
        stats.accountLimitRejections++;
        throw new AwsError('AccountLimitExceededException', `Cannot have more than ${queueLimit} queued builds for the account`);
      }
      const uuid = randomUUID();
      const id = `${name}:${uuid}`;
      const number = (buildNumbers.get(name) ?? 0) + 1;
      buildNumbers.set(name, number);
      const group = `/aws/codebuild/${name}`;
      const build: WireBuild = {
        id,
        arn: `arn:aws:codebuild:${REGION}:${ACCOUNT}:build/${id}`,
        buildNumber: number,
        startTime: Date.now() / 1000,
        currentPhase: 'SUBMITTED',
        buildStatus: 'IN_PROGRESS',
        sourceVersion: (input.sourceVersion as string | undefined) ?? 'HEAD',
        projectName: name,
        phases: [],
        environment: {
          type: 'LINUX_CONTAINER',
          image: 'aws/codebuild/standard:7.0',
          computeType,
          environmentVariables: overrides.map((v) => ({ name: v.name!, value: v.value!, type: v.type ?? 'PLAINTEXT' })),
        },
        logs: { groupName: group, streamName: uuid, deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=${REGION}#logEvent:group=${group};stream=${uuid}` },
        timeoutInMinutes: timeout,
        queuedTimeoutInMinutes: queuedTimeout,
        buildComplete: false,
        initiator: 'tessera-test',
        exportedEnvironmentVariables: [],
      };
      const controller = new AbortController();
      const admission = slots.admit(queuedTimeout * 60_000, controller.signal);
      stats.maxQueuedBuilds = Math.max(stats.maxQueuedBuilds, slots.waiting());
      const done = runServerBuild({
        build,
        sourceDir: project.sourceDir,
        buildspecPath: project.buildspec ?? 'buildspec.yml',
        buildspecOverride: input.buildspecOverride as string | undefined,
        nodeModulesDir: project.nodeModulesDir,
        workDir,
        provisioningDelayMs: options.provisioningDelayMs ?? 0,
        timeScale: options.timeScale ?? 1,
        fault: options.faultBuild ? options.faultBuild(build) : random() < (options.faultRate ?? 0),
        signal: controller.signal,
        admission: admission.then((granted) => {
          stats.maxConcurrentBuilds = Math.max(stats.maxConcurrentBuilds, slots.running());
          return granted;
        }),
        log: (text) => logs.append(group, uuid, Date.now(), `${text}\n`),
        gitLock: (work) => gitLock(project.sourceDir, work),
      });
      // The slot is held from admission until the build completed.
      void done.then(() => admission.then((granted) => granted && slots.release()));
      builds.set(id, { build, controller, done });
      if (token) idempotency.set(token, { params: JSON.stringify({ ...input, idempotencyToken: undefined }), id, at: Date.now() });
      stats.buildsStarted++;
      if (options.loseBuild?.(build)) lost.add(id);
      return { build };
    },

    'CodeBuild_20161006.BatchGetBuilds'(input) {
      const ids = input.ids as unknown;
      if (!Array.isArray(ids) || ids.length === 0) throw new AwsError('InvalidInputException', '1 validation error detected: Value at \'ids\' failed to satisfy constraint: Member must have length greater than or equal to 1');
      stats.batchGetBuildsIds.push(ids.length);
      if (ids.length > 100) throw new AwsError('InvalidInputException', `1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length less than or equal to 100 (got ${ids.length})`);
      const found: WireBuild[] = [];
      const notFound: string[] = [];
      for (const id of new Set(ids.map(String))) {
        const b = findBuild(id);
        if (b) found.push(b.build);
        else notFound.push(id);
      }
      return { builds: found, buildsNotFound: notFound };
    },

    'CodeBuild_20161006.StopBuild'(input) {
      const id = requireString(input, 'id');
      const b = findBuild(id);
      if (!b) throw new AwsError('ResourceNotFoundException', `Build cannot be found: ${id}`);
      b.controller.abort();
      return { build: b.build };
    },

    'CodeBuild_20161006.BatchGetProjects'(input) {
      const names = input.names as unknown;
      if (!Array.isArray(names) || names.length === 0 || names.length > 100) throw new AwsError('InvalidInputException', "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 100");
      const found = names.map(String).filter((n) => projects.has(n));
      return {
        projects: found.map((n) => {
          const p = projects.get(n)!;
          return {
            name: n,
            arn: projectArn(n),
            source: { type: 'NO_SOURCE', buildspec: p.buildspec ?? 'buildspec.yml' },
            environment: { type: 'LINUX_CONTAINER', image: 'aws/codebuild/standard:7.0', computeType: 'BUILD_GENERAL1_SMALL', environmentVariables: [] },
            serviceRole: `arn:aws:iam::${ACCOUNT}:role/tessera-codebuild`,
            timeoutInMinutes: 60,
            queuedTimeoutInMinutes: 480,
            created: p.created,
            lastModified: p.created,
            logsConfig: { cloudWatchLogs: { status: 'ENABLED', groupName: `/aws/codebuild/${n}` } },
          };
        }),
        projectsNotFound: names.map(String).filter((n) => !projects.has(n)),
      };
    },

    'Logs_20140328.GetLogEvents'(input) {
      const group = requireString(input, 'logGroupName');
      const stream = requireString(input, 'logStreamName');
      const limit = input.limit as number | undefined;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 10_000)) throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000`);
      const page = logs.read(group, stream, { nextToken: input.nextToken, startFromHead: input.startFromHead, limit });
      if (page === 'NO_GROUP') throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
      if (page === 'NO_STREAM') throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
      if (page === 'BAD_TOKEN') throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
      return page;
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = await readBody(req);
      if (req.method !== 'POST') throw new AwsError('UnknownOperationException', `Only POST is supported, got ${req.method}`);
      const operation = operations[target];
      if (!operation) throw new AwsError('UnknownOperationException', `Unknown operation ${JSON.stringify(target)}`);
      const name = target.slice(target.indexOf('.') + 1);
      stats.calls[name] = (stats.calls[name] ?? 0) + 1;
      if (random() < (options.throttleRate ?? 0)) {
        stats.throttled++;
        throw new AwsError('ThrottlingException', 'Rate exceeded');
      }
      let input: Record<string, any>;
      try {
        input = body.length === 0 ? {} : (JSON.parse(body) as Record<string, any>);
      } catch {
        throw new AwsError('SerializationException', 'Request body is not valid JSON');
      }
      send(res, 200, operation(input ?? {}));
    } catch (error) {
      const e = error instanceof AwsError ? error : new AwsError('InternalFailure', `Internal server error: ${(error as Error).message}`, 500);
      send(res, e.status, { __type: e.type, message: e.message }, e.type);
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    builds,
    async close() {
      for (const b of builds.values()) if (!b.build.buildComplete) b.controller.abort();
      await Promise.all([...builds.values()].map((b) => b.done));
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      logs.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * The account's build slots: `admit` takes one at once when free, else queues for one (FIFO;
 * CodeBuild does not promise an order) until one is released, the queued timeout passes
 * (false) or the build is stopped (false).
 */
function createSlots(limit: number) {
  let running = 0;
  const queue: { grant: () => void }[] = [];
  return {
    free: () => running < limit,
    running: () => running,
    waiting: () => queue.length,
    admit(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
      if (running < limit) {
        running++;
        return Promise.resolve(true);
      }
      return new Promise<boolean>((resolve) => {
        const leave = (granted: boolean) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          const at = queue.indexOf(waiter);
          if (at >= 0) queue.splice(at, 1);
          resolve(granted);
        };
        const waiter = { grant: () => leave(true) };
        const onAbort = () => leave(false);
        const timer = setTimeout(() => leave(false), timeoutMs);
        signal.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
      });
    },
    release() {
      const next = queue[0];
      if (next) next.grant(); // the slot passes on: `running` stays
      else running--;
    },
  };
}

function requireString(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value.length === 0) throw new AwsError('InvalidInputException', `1 validation error detected: Value at '${key}' failed to satisfy constraint: Member must not be null`);
  return value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  });
  res.end(text);
}
