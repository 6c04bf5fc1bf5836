/**
 * A lean HTTP/1.1 load generator for the webhook benchmark: keep-alive connections opened
 * ahead of time, each request written as one prepared buffer, the response read as far as
 * its status and Content-Length. The benchmark measures the service's acknowledgement
 * latency, so the sender must cost far less per request than the service: node:http's
 * client and undici cost 0.4–0.6 ms of CPU per request here, about what the service itself
 * costs, and the measured latency was half the sender's. This one costs about 0.1 ms.
 *
 * It is not a general client: responses must carry Content-Length (the service and the
 * bare baseline always do), and one request is in flight per connection.
 */
import { connect, type Socket } from 'node:net';

/** The bytes of one POST, prepared before the clock starts. */
export function serializeRequest(origin: URL, path: string, headers: Record<string, string>, body: string): Buffer {
  const lines = Object.entries({ host: origin.host, ...headers, 'content-length': String(Buffer.byteLength(body)) }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return Buffer.from(`POST ${path} HTTP/1.1\r\n${lines}\r\n${body}`);
}

/** One keep-alive connection. */
export class BurstConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | null = null;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the service closed the connection')));
  }

  /** Opens a connection to `origin` (127.0.0.1 and its port). */
  static open(origin: URL): Promise<BurstConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(Number(origin.port), origin.hostname, () => resolve(new BurstConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes the request and resolves with the response's status once the whole response is read. */
  send(request: Buffer): Promise<number> {
    if (this.waiting) throw new Error('BurstConnection: one request at a time');
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headEnd = this.buffered.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.buffered.subarray(0, headEnd).toString('latin1');
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.socket.destroy(new Error(`BurstConnection: a response without Content-Length: ${head.split('\r\n', 1)[0]}`));
      return;
    }
    const end = headEnd + 4 + Number(length[1]);
    if (this.buffered.length < end) return;
    this.buffered = this.buffered.subarray(end);
    const waiting = this.waiting!;
    this.waiting = null;
    waiting.resolve(Number(head.slice(9, 12)));
  }
}

/** What one request of a burst did. */
export interface BurstAnswer {
  status: number;
  /** From writing the request to reading the whole response. */
  ms: number;
  /** From the burst's start (when every request arrived) to reading the response. */
  totalMs: number;
}

/**
 * Sends every request, one in flight per connection: each goes out as soon as a connection is
 * free, as a proxy with that many upstream connections forwards a burst. Answers in request order.
 */
export async function sendBurst(connections: BurstConnection[], requests: Buffer[]): Promise<BurstAnswer[]> {
  const answers: BurstAnswer[] = new Array(requests.length);
  const started = performance.now();
  let next = 0;
  await Promise.all(connections.map(async (connection) => {
    while (next < requests.length) {
      const i = next++;
      const sent = performance.now();
      const status = await connection.send(requests[i]!);
      const now = performance.now();
      answers[i] = { status, ms: now - sent, totalMs: now - started };
    }
  }));
  return answers;
}
