import { execFileSync } from 'node:child_process';
import { AccountLimitExceededException, BatchGetBuildsCommand, BatchGetProjectsCommand, type Build, CodeBuildClient, InvalidInputException, ResourceNotFoundException, StartBuildCommand, StopBuildCommand } from '@aws-sdk/client-codebuild';
import { CloudWatchLogsClient, GetLogEventsCommand, type OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { type CodeBuildServer, type CodeBuildServerOptions, startCodeBuildServer } from '../support/codebuild-server/server.js';
import { createEmptyRepo, type TestRepo } from '../support/sample-repo.js';

const PHASES_OK = ['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED'];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  server: CodeBuildServer;
  repo: TestRepo;
  head: string;
  codebuild: CodeBuildClient;
  logs: CloudWatchLogsClient;
}

/** A real git repo with a buildspec, a server building it, and the real SDK clients pointed at the server. */
async function setup(options: Partial<CodeBuildServerOptions> = {}): Promise<Setup> {
  const repo = createEmptyRepo();
  repo.write('buildspec.yml', 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo "from the repo $(cat hello.txt)"\n');
  repo.write('hello.txt', 'hello');
  const head = repo.commit('first');
  const server = await startCodeBuildServer({ projects: [{ name: 'tessera-sample', sourceDir: repo.dir }], ...options });
  const config = { endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  const codebuild = new CodeBuildClient(config);
  const logs = new CloudWatchLogsClient(config);
  cleanups.push(() => repo.cleanup());
  cleanups.push(() => server.close());
  cleanups.push(() => {
    codebuild.destroy();
    logs.destroy();
  });
  return { server, repo, head, codebuild, logs };
}

async function waitForBuild(codebuild: CodeBuildClient, id: string): Promise<Build> {
  for (;;) {
    const { builds } = await codebuild.send(new BatchGetBuildsCommand({ ids: [id] }));
    if (builds?.[0]?.buildComplete) return builds[0];
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Reads a stream the way clients do: forward tokens until one repeats. Returns the events and the number of calls. */
async function readAllLogs(logs: CloudWatchLogsClient, build: Build, limit?: number): Promise<{ events: OutputLogEvent[]; calls: number }> {
  const events: OutputLogEvent[] = [];
  let token: string | undefined;
  for (let calls = 1; ; calls++) {
    const page = await logs.send(new GetLogEventsCommand({ logGroupName: build.logs!.groupName, logStreamName: build.logs!.streamName, startFromHead: true, nextToken: token, limit }));
    events.push(...(page.events ?? []));
    if (page.nextForwardToken === token) return { events, calls };
    token = page.nextForwardToken;
  }
}

function isRunning(pid: number): boolean {
  try {
    return !/^Z/.test(execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim());
  } catch {
    return false;
  }
}

describe('CodeBuild test server through the real AWS SDK', () => {
  it('runs a build from a real git repo: all phases in order, SUCCEEDED, logs readable page by page', async () => {
    const { codebuild, logs, head, server } = await setup();
    const { projects, projectsNotFound } = await codebuild.send(new BatchGetProjectsCommand({ names: ['tessera-sample', 'nope'] }));
    expect(projects?.map((p) => p.name)).toEqual(['tessera-sample']);
    expect(projectsNotFound).toEqual(['nope']);

    const started = await codebuild.send(
      new StartBuildCommand({
        projectName: 'tessera-sample',
        sourceVersion: 'main',
        environmentVariablesOverride: [{ name: 'TESSERA_APP', value: 'shop', type: 'PLAINTEXT' }],
        buildspecOverride: 'version: 0.2\nenv:\n  exported-variables: [OUT]\nphases:\n  install:\n    commands:\n      - export OUT="$TESSERA_APP-$CODEBUILD_RESOLVED_SOURCE_VERSION"\n  build:\n    commands:\n      - for i in $(seq 1 25); do echo "line $i"; done\n      - printf "\\033[32mgreen\\033[0m\\n"\n',
      }),
    );
    expect(started.build?.id).toMatch(/^tessera-sample:[0-9a-f-]{36}$/);
    expect(started.build?.buildStatus).toBe('IN_PROGRESS');
    expect(started.build?.startTime).toBeInstanceOf(Date);
    const build = await waitForBuild(codebuild, started.build!.id!);
    expect(build.buildStatus).toBe('SUCCEEDED');
    expect(build.currentPhase).toBe('COMPLETED');
    expect(build.resolvedSourceVersion).toBe(head);
    expect(build.phases?.map((p) => p.phaseType)).toEqual(PHASES_OK);
    expect(build.phases?.slice(0, -1).every((p) => p.phaseStatus === 'SUCCEEDED' && p.endTime instanceof Date)).toBe(true);
    expect(build.endTime!.getTime()).toBeGreaterThanOrEqual(build.startTime!.getTime());
    expect(build.logs?.groupName).toBe('/aws/codebuild/tessera-sample');
    expect(build.exportedEnvironmentVariables).toEqual([{ name: 'OUT', value: `shop-${head}` }]);
    expect(server.stats.calls.StartBuild).toBe(1);

    const { events, calls } = await readAllLogs(logs, build, 10);
    const messages = events.map((e) => e.message!.replace(/\n$/, ''));
    expect(messages.filter((m) => m.startsWith('line '))).toEqual(Array.from({ length: 25 }, (_, i) => `line ${i + 1}`));
    expect(messages).toContain('\u001b[32mgreen\u001b[0m');
    expect(messages.some((m) => /^\[Container\] .* Running command for i in/.test(m))).toBe(true);
    // One call per page of 10, and a last one that returns the same forward token again.
    expect(calls).toBe(Math.ceil(events.length / 10) + 1);
    expect(events[0]!.timestamp).toBeGreaterThan(1e12); // milliseconds, as CloudWatch Logs

    // Tail first (startFromHead false), then backwards.
    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: build.logs!.groupName, logStreamName: build.logs!.streamName, limit: 5 }));
    expect(tail.events?.map((e) => e.message)).toEqual(events.slice(-5).map((e) => e.message));
    const before = await logs.send(new GetLogEventsCommand({ logGroupName: build.logs!.groupName, logStreamName: build.logs!.streamName, limit: 5, nextToken: tail.nextBackwardToken }));
    expect(before.events?.map((e) => e.message)).toEqual(events.slice(-10, -5).map((e) => e.message));
  });

  it('uses the buildspec in the repo when there is no override; a failing build is FAILED with the phase context', async () => {
    const { codebuild, repo } = await setup();
    const ok = await waitForBuild(codebuild, (await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample' }))).build!.id!);
    expect(ok.buildStatus).toBe('SUCCEEDED');

    repo.write('buildspec.yml', 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo building\n      - exit 7\n  post_build:\n    commands: [echo "post $CODEBUILD_BUILD_SUCCEEDING"]\n');
    const commit = repo.commit('break the build');
    const failed = await waitForBuild(codebuild, (await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample', sourceVersion: commit }))).build!.id!);
    expect(failed.buildStatus).toBe('FAILED');
    const buildPhase = failed.phases!.find((p) => p.phaseType === 'BUILD')!;
    expect(buildPhase.phaseStatus).toBe('FAILED');
    expect(buildPhase.contexts).toEqual([{ statusCode: 'COMMAND_EXECUTION_ERROR', message: 'Error while executing command: exit 7. Reason: exit status 7' }]);
    expect(failed.phases!.find((p) => p.phaseType === 'POST_BUILD')!.phaseStatus).toBe('SUCCEEDED');
    expect(failed.phases!.at(-1)!.phaseType).toBe('COMPLETED');
    // The worktrees are gone.
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('an unknown source version fails DOWNLOAD_SOURCE; an invalid buildspec override fails with YAML_FILE_ERROR', async () => {
    const { codebuild } = await setup();
    const noRef = await waitForBuild(codebuild, (await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample', sourceVersion: 'no-such-branch' }))).build!.id!);
    expect(noRef.buildStatus).toBe('FAILED');
    expect(noRef.phases!.find((p) => p.phaseType === 'DOWNLOAD_SOURCE')!.contexts![0]!.statusCode).toBe('CLIENT_ERROR');
    const bad = await waitForBuild(codebuild, (await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample', buildspecOverride: 'version: 0.1\nphases:\n  build:\n    commands: x\n' }))).build!.id!);
    expect(bad.buildStatus).toBe('FAILED');
    const context = bad.phases!.find((p) => p.phaseType === 'DOWNLOAD_SOURCE')!.contexts![0]!;
    expect(context.statusCode).toBe('YAML_FILE_ERROR');
    expect(context.message).toMatch(/version.*line 1.*commands.*line 4/);
  });

  it('surfaces errors as the SDK exception classes', async () => {
    const { codebuild, logs, server } = await setup({ accountConcurrencyLimit: 1, queueLimit: 1, provisioningDelayMs: 60_000 });
    const error = (promise: Promise<unknown>) => promise.then(() => null, (e: Error & { $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }));

    expect(await error(codebuild.send(new StartBuildCommand({ projectName: 'nope' })))).toEqual({ name: 'ResourceNotFoundException', message: 'Project cannot be found: arn:aws:codebuild:us-east-1:123456789012:project/nope', status: 400 });
    const ids = Array.from({ length: 101 }, (_, i) => `tessera-sample:${i}`);
    expect(await error(codebuild.send(new BatchGetBuildsCommand({ ids })))).toMatchObject({ name: 'InvalidInputException', status: 400 });
    expect(await codebuild.send(new BatchGetBuildsCommand({ ids: ids.slice(0, 100) }))).toMatchObject({ builds: [], buildsNotFound: ids.slice(0, 100) });
    expect(server.stats.batchGetBuildsIds).toEqual([101, 100]);
    expect(await error(logs.send(new GetLogEventsCommand({ logGroupName: '/aws/codebuild/tessera-sample', logStreamName: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' });

    // The first build sits in PROVISIONING; the account runs one at a time and queues one more.
    const first = await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample' }));
    const queued = await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample' }));
    expect(queued.build?.buildStatus).toBe('IN_PROGRESS');
    expect(await error(codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample' })))).toMatchObject({ name: 'AccountLimitExceededException', message: 'Cannot have more than 1 queued builds for the account' });
    expect(server.stats.accountLimitRejections).toBe(1);
    // Stopped while waiting: STOPPED in QUEUED, and it never took a slot.
    await codebuild.send(new StopBuildCommand({ id: queued.build!.id! }));
    const stoppedInQueue = await waitForBuild(codebuild, queued.build!.id!);
    expect(stoppedInQueue.buildStatus).toBe('STOPPED');
    expect(stoppedInQueue.phases!.find((p) => p.phaseType === 'QUEUED')!.phaseStatus).toBe('STOPPED');
    expect(stoppedInQueue.phases!.some((p) => p.phaseType === 'PROVISIONING')).toBe(false);
    await codebuild.send(new StopBuildCommand({ id: first.build!.id! }));
    const stopped = await waitForBuild(codebuild, first.build!.id!);
    expect(stopped.buildStatus).toBe('STOPPED');
    expect(stopped.phases!.find((p) => p.phaseType === 'PROVISIONING')!.phaseStatus).toBe('STOPPED');
    expect(server.stats.maxConcurrentBuilds).toBe(1);
    // Modelled errors arrive as the SDK's own classes.
    await expect(codebuild.send(new StartBuildCommand({ projectName: 'nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(codebuild.send(new BatchGetBuildsCommand({ ids }))).rejects.toBeInstanceOf(InvalidInputException);
    const blocker = await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample' }));
    const waiter = await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample' }));
    await expect(codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample' }))).rejects.toBeInstanceOf(AccountLimitExceededException);
    await codebuild.send(new StopBuildCommand({ id: waiter.build!.id! }));
    await codebuild.send(new StopBuildCommand({ id: blocker.build!.id! }));
  });

  it('over the concurrent-build limit builds wait in QUEUED, then run in turn as slots free up', async () => {
    const { codebuild, server } = await setup({ accountConcurrencyLimit: 1, timeScale: 0.001 });
    const start = () => codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample', environmentVariablesOverride: [{ name: 'TESSERA_SIMULATE_SECONDS', value: '200' }] }));
    const [a, b, c] = [(await start()).build!, (await start()).build!, (await start()).build!];
    // b waits while a runs: its QUEUED phase is open, with no status yet.
    const { builds } = await codebuild.send(new BatchGetBuildsCommand({ ids: [b.id!] }));
    expect(builds![0]!.phases!.map((p) => [p.phaseType, p.phaseStatus])).toEqual([['SUBMITTED', 'SUCCEEDED'], ['QUEUED', undefined]]);
    const done = await Promise.all([a, b, c].map((x) => waitForBuild(codebuild, x.id!)));
    expect(done.map((x) => x.buildStatus)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(server.stats).toMatchObject({ maxConcurrentBuilds: 1, maxQueuedBuilds: 2, accountLimitRejections: 0 });
    // Each left the queue only once the one before it had completed.
    const phase = (x: Build, type: string) => x.phases!.find((p) => p.phaseType === type)!;
    expect(phase(done[1]!, 'QUEUED').endTime!.getTime()).toBeGreaterThanOrEqual(done[0]!.endTime!.getTime());
    expect(phase(done[2]!, 'QUEUED').endTime!.getTime()).toBeGreaterThanOrEqual(done[1]!.endTime!.getTime());
    expect(phase(done[1]!, 'QUEUED').phaseStatus).toBe('SUCCEEDED');
  });

  it('validates queuedTimeoutInMinutesOverride as the API does (5 to 480), and keeps it on the build', async () => {
    const { codebuild } = await setup();
    await expect(codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample', queuedTimeoutInMinutesOverride: 481 }))).rejects.toMatchObject({ name: 'InvalidInputException', message: expect.stringContaining("'queuedTimeoutInMinutesOverride'") });
    await expect(codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample', timeoutInMinutesOverride: 2161 }))).rejects.toMatchObject({ name: 'InvalidInputException' });
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample', queuedTimeoutInMinutesOverride: 5 }));
    expect(build!.queuedTimeoutInMinutes).toBe(5);
    await waitForBuild(codebuild, build!.id!);
  });

  it('a lost build is listed under buildsNotFound', async () => {
    const { codebuild, server } = await setup({ loseBuild: () => true });
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample' }));
    expect(build!.id).toMatch(/^tessera-sample:/);
    expect(await codebuild.send(new BatchGetBuildsCommand({ ids: [build!.id!] }))).toMatchObject({ builds: [], buildsNotFound: [build!.id] });
    await server.builds.get(build!.id!)!.done;
  });

  it('throttleRate 1 answers every request with ThrottlingException', async () => {
    const { codebuild, logs, server } = await setup({ throttleRate: 1 });
    await expect(codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample' }))).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
    await expect(logs.send(new GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(server.stats.throttled).toBe(2);
    expect(server.builds.size).toBe(0);
  });

  it('StopBuild kills the running commands: STOPPED and no process left', async () => {
    const { codebuild, logs, server } = await setup();
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample', buildspecOverride: 'version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 1001 & echo "pids=$! $$"; sleep 1001\n' }));
    const held = server.builds.get(build!.id!)!;
    // Wait until the command printed its pids: BUILD is running.
    let pids: number[] = [];
    for (let i = 0; i < 200 && pids.length === 0; i++) {
      const page = await logs
        .send(new GetLogEventsCommand({ logGroupName: held.build.logs.groupName, logStreamName: held.build.logs.streamName, startFromHead: true }))
        .catch(() => ({ events: [] as OutputLogEvent[] })); // the stream may not exist yet
      const line = page.events?.find((e) => e.message?.startsWith('pids='));
      if (line) pids = line.message!.slice(5).trim().split(/\s+/).map(Number);
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(pids).toHaveLength(2);
    const stop = await codebuild.send(new StopBuildCommand({ id: build!.id! }));
    expect(stop.build?.id).toBe(build!.id);
    const done = await waitForBuild(codebuild, build!.id!);
    expect(done.buildStatus).toBe('STOPPED');
    expect(done.phases!.find((p) => p.phaseType === 'BUILD')!.phaseStatus).toBe('STOPPED');
    expect(done.phases!.map((p) => p.phaseType).slice(-2)).toEqual(['FINALIZING', 'COMPLETED']);
    for (const pid of pids) expect(isRunning(pid), `pid ${pid}`).toBe(false);
  });

  it('the same idempotency token and parameters give the same build; different parameters are rejected', async () => {
    const { codebuild, server } = await setup();
    const input = { projectName: 'tessera-sample', idempotencyToken: 'run-1-shop', environmentVariablesOverride: [{ name: 'A', value: '1' }] };
    const a = await codebuild.send(new StartBuildCommand(input));
    const b = await codebuild.send(new StartBuildCommand(input));
    expect(b.build?.id).toBe(a.build?.id);
    expect(server.builds.size).toBe(1);
    await expect(codebuild.send(new StartBuildCommand({ ...input, sourceVersion: 'other' }))).rejects.toMatchObject({ name: 'InvalidInputException' });
    await waitForBuild(codebuild, a.build!.id!);
  });

  it('simulation mode moves through the phases in simulated time, scaled by timeScale', async () => {
    const { codebuild, logs, server } = await setup({ timeScale: 0.001, faultRate: 0 });
    const start = (env: Record<string, string>, timeoutInMinutesOverride?: number) =>
      codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample', timeoutInMinutesOverride, environmentVariablesOverride: Object.entries(env).map(([name, value]) => ({ name, value })) }));
    const ids = [
      (await start({ TESSERA_SIMULATE_SECONDS: '300' })).build!.id!,
      (await start({ TESSERA_SIMULATE_SECONDS: '60', TESSERA_SIMULATE_STATUS: 'FAILED' })).build!.id!,
      (await start({ TESSERA_SIMULATE_SECONDS: '400' }, 5)).build!.id!, // longer than its 5-minute timeout
    ];
    const [ok, failed, timedOut] = await Promise.all(ids.map((id) => waitForBuild(codebuild, id)));
    expect(server.stats.maxConcurrentBuilds).toBe(3);
    expect(ok!.buildStatus).toBe('SUCCEEDED');
    expect(ok!.phases!.map((p) => p.phaseType)).toEqual(PHASES_OK);
    const buildPhase = ok!.phases!.find((p) => p.phaseType === 'BUILD')!;
    // 300 simulated seconds × 0.001 = 0.3 s of real time in BUILD.
    expect(buildPhase.endTime!.getTime() - buildPhase.startTime!.getTime()).toBeGreaterThanOrEqual(290);
    expect(ok!.resolvedSourceVersion).toBeUndefined(); // no checkout
    expect((await readAllLogs(logs, ok!)).events.some((e) => e.message!.includes('simulated build of 300 s'))).toBe(true);
    expect(failed!.buildStatus).toBe('FAILED');
    expect(failed!.phases!.find((p) => p.phaseType === 'POST_BUILD')!.phaseStatus).toBe('SUCCEEDED');
    expect(timedOut!.buildStatus).toBe('TIMED_OUT');
    expect(timedOut!.phases!.find((p) => p.phaseType === 'BUILD')!.phaseStatus).toBe('TIMED_OUT');
  });

  it('faultRate 1 ends builds FAULT in PROVISIONING', async () => {
    const { codebuild } = await setup({ faultRate: 1 });
    const build = await waitForBuild(codebuild, (await codebuild.send(new StartBuildCommand({ projectName: 'tessera-sample' }))).build!.id!);
    expect(build.buildStatus).toBe('FAULT');
    expect(build.phases!.find((p) => p.phaseType === 'PROVISIONING')!.phaseStatus).toBe('FAULT');
  });
});
