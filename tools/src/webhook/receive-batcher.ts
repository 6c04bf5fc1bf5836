import type { DeliveriesStore, IncomingDelivery, ReceiveResult } from './deliveries-store.js';

/** Stores deliveries in groups: one call per delivery, one transaction per group. */
export interface ReceiveBatcher {
  /** Resolves once the delivery is committed (or rejects when the group's transaction failed). */
  receive(delivery: IncomingDelivery): Promise<ReceiveResult>;
}

/**
 * Group commit for the receiver. During a burst many requests are parsed within one turn of
 * the event loop; committing them one transaction each makes the last one wait for every
 * other's commit (a lock, a WAL append and its bookkeeping per delivery). Collected until
 * the loop has handled the I/O at hand (`setImmediate`) and written in one transaction,
 * each still gets its 202 only after its row is committed. A lone delivery waits for one
 * turn of the loop, no timer.
 */
export function createReceiveBatcher(store: DeliveriesStore): ReceiveBatcher {
  let pending: { delivery: IncomingDelivery; resolve: (r: ReceiveResult) => void; reject: (e: unknown) => void }[] = [];
  const flush = () => {
    const group = pending;
    pending = [];
    try {
      const results = store.receiveMany(group.map((p) => p.delivery));
      group.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      for (const p of group) p.reject(error);
    }
  };
  return {
    receive(delivery) {
      return new Promise((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ delivery, resolve, reject });
      });
    },
  };
}
