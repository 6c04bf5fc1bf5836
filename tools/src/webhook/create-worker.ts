import type { ClaimedDelivery, DeliveriesStore } from './deliveries-store.js';
import { createLeaseOwner, retireLeaseOwner } from './lease-owner.js';

/** How one delivery ended, as the worker records it. */
export interface DeliveryOutcome {
  state: 'done' | 'failed';
  error?: string;
}

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  deliveries: DeliveriesStore;
  /** How long a claim lasts without a heartbeat; heartbeats come every third of it. */
  leaseMs: number;
  maxAttempts: number;
  /** How often an idle worker looks for work another process queued. @default 1000 */
  pollMs?: number;
  /** Awaited before each claim: in `--role both`, until the receiver is between bursts (see createReceiverActivity). */
  beforeClaim?: () => Promise<void>;
  /** Runs one delivery. `signal` aborts when the delivery is superseded, taken over, or the worker stops. */
  process(delivery: ClaimedDelivery, signal: AbortSignal, owner: string): Promise<DeliveryOutcome>;
  log(text: string): void;
}

/** The queue's consumer. One delivery at a time: the service's one clone is checked out at its head. */
export interface Worker {
  /** `host:pid:nonce`, recorded as the lease owner. */
  readonly owner: string;
  start(): void;
  /**
   * Looks for work now (a delivery was just queued). With `checkCurrent` (the default) it also
   * checks that the current delivery is still this worker's: a write to the database, so the
   * receiver asks for it only when the new delivery superseded something.
   */
  wake(checkCurrent?: boolean): void;
  /** Stops claiming, stops the current delivery and gives it back to the queue. */
  stop(): Promise<void>;
  /** Deliveries finished by this worker. */
  readonly finished: number;
}

/**
 * A worker safe to run in several processes on one database: a delivery is claimed in an
 * IMMEDIATE transaction with a lease, the lease is renewed while the pipeline runs, and the
 * outcome is written only while this worker still holds the lease (a fenced update), so a
 * worker that lost its delivery (superseded, replayed, or presumed dead and taken over)
 * never overwrites the new owner's record.
 */
export function createWorker(options: WorkerOptions): Worker {
  const owner = createLeaseOwner();
  const pollMs = options.pollMs ?? 1000;
  let stopping = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  let current: AbortController | null = null;
  let beat: (() => void) | null = null;
  let finished = 0;

  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  async function handle(delivery: ClaimedDelivery): Promise<void> {
    const controller = new AbortController();
    current = controller;
    let lost = false;
    // Every second at most (the poll interval), not just every third of the lease: the
    // heartbeat is also how a worker learns that its delivery was superseded.
    beat = () => {
      if (lost) return;
      try {
        if (!options.deliveries.heartbeat(delivery.id, owner, options.leaseMs)) {
          lost = true;
          controller.abort(new Error('the delivery is no longer this worker\'s (superseded or replayed)'));
        }
      } catch (error) {
        // A locked database delays one heartbeat; the lease outlasts several.
        options.log(`heartbeat of ${delivery.id} failed: ${(error as Error).message}`);
      }
    };
    const heartbeat = setInterval(beat, Math.max(10, Math.min(pollMs, Math.floor(options.leaseMs / 3))));
    let outcome: DeliveryOutcome;
    try {
      outcome = await options.process(delivery, controller.signal, owner);
    } catch (error) {
      outcome = { state: 'failed', error: (error as Error).message };
    } finally {
      clearInterval(heartbeat);
      current = null;
      beat = null;
    }
    try {
      if (lost) options.log(`${delivery.id}: stopped, ${(controller.signal.reason as Error).message}`);
      else if (stopping && controller.signal.aborted) options.deliveries.release(delivery.id, owner);
      else if (options.deliveries.finish(delivery.id, owner, outcome)) {
        finished++;
        options.log(`${delivery.id}: ${outcome.state}${outcome.error ? ` (${outcome.error})` : ''}`);
      }
    } catch (error) {
      // The lease runs out and another worker (or this one) resumes the delivery.
      options.log(`${delivery.id}: could not record its outcome: ${(error as Error).message}`);
    }
  }

  async function run(): Promise<void> {
    while (!stopping) {
      if (options.beforeClaim) {
        await options.beforeClaim();
        if (stopping) break;
      }
      let delivery: ClaimedDelivery | null = null;
      try {
        delivery = options.deliveries.claim(owner, options.leaseMs, options.maxAttempts);
      } catch (error) {
        options.log(`claiming a delivery failed: ${(error as Error).message}`);
      }
      if (delivery) await handle(delivery);
      else await idle();
    }
  }

  return {
    owner,
    get finished() {
      return finished;
    },
    start() {
      loop ??= run();
    },
    wake(checkCurrent = true) {
      wakeUp?.();
      // A delivery just received may have superseded the one running here.
      if (checkCurrent) beat?.();
    },
    async stop() {
      stopping = true;
      current?.abort(new Error('the service is stopping'));
      wakeUp?.();
      await loop;
      retireLeaseOwner(owner);
    },
  };
}
