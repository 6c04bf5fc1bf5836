/**
 * A throwaway Ceph cluster on 127.0.0.1 for the S3 tests: one monitor, one OSD on memstore
 * (RAM only, nothing on disk but logs) and radosgw, with cephx off. Debian's packages:
 * `apt-get install --no-install-recommends radosgw ceph-mon ceph-osd` (.ci/run does it).
 * Everything lives in one temporary directory that `stop()` removes.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running radosgw and the S3 credentials of its one user. */
export interface Radosgw {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The cluster's directory: ceph.conf and every daemon's log. */
  dir: string;
  stop(): Promise<void>;
}

const BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'monmaptool', 'ceph'];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>, logs: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`radosgw test cluster: ${what} did not happen within ${timeoutMs / 1000}s\n${logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function renderConf(dir: string, fsid: string, mon: string, rgwPort: number): string {
  return `[global]
fsid = ${fsid}
mon host = ${mon}
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
# With cephx off there is no session key, so the "secure" connection modes cannot work.
ms client mode = crc
ms mon client mode = crc
ms cluster mode = crc
ms service mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
mon allow pool size one = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 2000
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 1073741824
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
mon data = ${dir}/mon/$name
osd data = ${dir}/osd/$name
keyring = /dev/null
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw data = ${dir}/rgw
`;
}

/** Boots the cluster (about 15 s) and returns once radosgw answers S3 requests. */
export async function startRadosgw(): Promise<Radosgw> {
  const missing = BINARIES.filter((b) => !['/usr/bin', '/usr/sbin', '/usr/local/bin'].some((d) => existsSync(join(d, b))));
  if (missing.length) throw new Error(`radosgw test cluster: ${missing.join(', ')} not installed; run \`apt-get install --no-install-recommends radosgw ceph-mon ceph-osd\` (as .ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-rgw-'));
  for (const sub of ['mon', 'osd', 'run', 'log', 'rgw']) mkdirSync(join(dir, sub));
  const [monV2, monV1, rgwPort] = [await freePort(), await freePort(), await freePort()];
  const fsid = randomUUID();
  const mon = `[v2:127.0.0.1:${monV2},v1:127.0.0.1:${monV1}]`;
  const conf = join(dir, 'ceph.conf');
  writeFileSync(conf, renderConf(dir, fsid, mon, rgwPort));
  const children: ChildProcess[] = [];
  const daemon = (name: string, args: string[]) => {
    const child = spawn(name, ['-c', conf, ...args, '-f'], { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', () => {});
    children.push(child);
    return child;
  };
  const logs = () =>
    ['mon.a', 'osd.0', 'client.rgw']
      .map((n) => join(dir, 'log', `${n}.log`))
      .filter((f) => existsSync(f))
      .map((f) => `--- ${f} (last lines)\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`)
      .join('\n');
  const stop = async () => {
    for (const child of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const ceph = (...args: string[]) => run('ceph', ['-c', conf, '--connect-timeout', '10', ...args], { timeout: 30_000 });
  try {
    await run('monmaptool', ['--create', '--addv', 'a', mon, '--fsid', fsid, join(dir, 'monmap')]);
    await run('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', join(dir, 'monmap')]);
    daemon('ceph-mon', ['-i', 'a']);
    const osdUuid = randomUUID();
    const id = (await waitFor('the monitor answering', 30_000, async () => (await ceph('osd', 'new', osdUuid)).stdout.trim(), logs));
    mkdirSync(join(dir, 'osd', `osd.${id}`));
    await run('ceph-osd', ['-c', conf, '-i', id, '--mkfs', '--osd-uuid', osdUuid], { timeout: 30_000 });
    daemon('ceph-osd', ['-i', id]);
    await waitFor('the OSD coming up', 60_000, async () => ((JSON.parse((await ceph('osd', 'stat', '-f', 'json')).stdout) as { num_up_osds: number }).num_up_osds >= 1 ? true : null), logs);
    const accessKeyId = 'tessera';
    const secretAccessKey = 'tessera-secret';
    await run('radosgw-admin', ['-c', conf, '-n', 'client.rgw', 'user', 'create', '--uid=tessera', '--display-name=Tessera tests', `--access-key=${accessKeyId}`, `--secret-key=${secretAccessKey}`], { timeout: 60_000 });
    daemon('radosgw', ['-n', 'client.rgw']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await waitFor('radosgw answering HTTP', 60_000, async () => ((await fetch(endpoint)).ok ? true : null), logs);
    return { endpoint, accessKeyId, secretAccessKey, region: 'us-east-1', dir, stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
