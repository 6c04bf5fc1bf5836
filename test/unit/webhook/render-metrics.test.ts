import { describe, expect, it } from 'vitest';
import { renderMetrics } from '../../../tools/src/webhook/render-metrics.js';

describe('renderMetrics', () => {
  it('renders every state, the queue depth, the oldest queued age and builds by status in Prometheus text', () => {
    const text = renderMetrics(
      { byState: { queued: 3, running: 1, done: 10, failed: 0, superseded: 2, ignored: 4 }, oldestQueuedAt: '2026-01-01T00:00:00.000Z', buildsByStatus: { SUCCEEDED: 5, FAILED: 1 } },
      new Date('2026-01-01T00:01:30.000Z'),
    );
    expect(text).toContain('# TYPE tessera_webhook_deliveries gauge');
    expect(text).toContain('tessera_webhook_deliveries{state="queued"} 3');
    expect(text).toContain('tessera_webhook_deliveries{state="failed"} 0');
    expect(text).toContain('tessera_webhook_queue_depth 3');
    expect(text).toContain('tessera_webhook_oldest_queued_age_seconds 90');
    expect(text).toContain('tessera_builds{status="FAILED"} 1');
    expect(text.endsWith('\n')).toBe(true);
  });
  it('reports age 0 with an empty queue', () => {
    const text = renderMetrics({ byState: { queued: 0, running: 0, done: 0, failed: 0, superseded: 0, ignored: 0 }, oldestQueuedAt: null, buildsByStatus: {} }, new Date());
    expect(text).toContain('tessera_webhook_oldest_queued_age_seconds 0');
  });
});
