/** Options of {@link createReceiverActivity}. */
export interface ReceiverActivityOptions {
  /** How long the receiver must have had no request in flight to count as quiet. @default 20 */
  quietMs?: number;
  /** The longest {@link ReceiverActivity.whenQuiet} waits: a steady flood never starves the worker. @default 1000 */
  maxWaitMs?: number;
  /** @default performance.now */
  now?: () => number;
}

/** What the receiver is doing, for a worker that shares its event loop (`--role both`). */
export interface ReceiverActivity {
  /** A webhook request started. */
  enter(): void;
  /** A webhook request was answered. */
  leave(): void;
  /** Requests in flight. */
  readonly inFlight: number;
  /** Resolves once the receiver has been quiet for `quietMs`, or after `maxWaitMs` at the latest. */
  whenQuiet(): Promise<void>;
}

/**
 * Acknowledging comes first. In one process the worker's pipeline (spawning git and builds,
 * which blocks the loop for a fork each time, affected analysis, SQLite saves) competes with
 * the receiver for one event loop, so during a burst every delivery waits for it too. The
 * worker asks this before it claims a delivery, and the delivery it is running asks it before
 * each stage of its pipeline, so both start only between bursts. Waiting is bounded, so the
 * queue drains under any load.
 */
export function createReceiverActivity(options: ReceiverActivityOptions = {}): ReceiverActivity {
  const quietMs = options.quietMs ?? 20;
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const now = options.now ?? (() => performance.now());
  let inFlight = 0;
  let lastLeft = -Infinity;
  const isQuiet = () => inFlight === 0 && now() - lastLeft >= quietMs;
  return {
    enter() {
      inFlight++;
    },
    leave() {
      inFlight--;
      lastLeft = now();
    },
    get inFlight() {
      return inFlight;
    },
    async whenQuiet() {
      const started = now();
      while (!isQuiet() && now() - started < maxWaitMs) {
        const wait = inFlight > 0 ? quietMs : quietMs - (now() - lastLeft);
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(wait, maxWaitMs - (now() - started)))));
      }
    },
  };
}
