import { describe, expect, it } from 'vitest';
import { createReceiverActivity } from '../../../tools/src/webhook/receiver-activity.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('createReceiverActivity', () => {
  it('is quiet at once when nothing ever came in', async () => {
    await createReceiverActivity({ quietMs: 10_000, maxWaitMs: 60_000 }).whenQuiet();
  });

  it('waits while a request is in flight, and for quietMs after the last one', async () => {
    let t = 0;
    const activity = createReceiverActivity({ quietMs: 100, maxWaitMs: 60_000, now: () => t });
    activity.enter();
    activity.enter();
    let quiet = false;
    const waiting = activity.whenQuiet().then(() => (quiet = true));
    activity.leave();
    t = 500;
    await tick();
    expect([quiet, activity.inFlight]).toEqual([false, 1]);
    activity.leave();
    t = 550;
    await tick();
    expect(quiet).toBe(false);
    t = 600;
    await waiting;
    expect(quiet).toBe(true);
  });

  it('stops waiting after maxWaitMs: a steady flood does not starve the worker', async () => {
    let t = 0;
    const activity = createReceiverActivity({ quietMs: 10, maxWaitMs: 1000, now: () => t });
    activity.enter();
    let quiet = false;
    const waiting = activity.whenQuiet().then(() => (quiet = true));
    await tick();
    expect(quiet).toBe(false);
    t = 1000;
    await waiting;
    expect(activity.inFlight).toBe(1);
  });
});
