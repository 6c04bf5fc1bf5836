import { DELIVERY_STATES, type DeliveryState } from './deliveries-store.js';

/** What `/metrics` shows: the queue and the builds. */
export interface ServiceStats {
  byState: Record<DeliveryState, number>;
  oldestQueuedAt: string | null;
  buildsByStatus: Record<string, number>;
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The Prometheus text exposition (format 0.0.4) of the service's state at `now`. Pure. */
export function renderMetrics(stats: ServiceStats, now: Date): string {
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [Record<string, string>, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',');
      lines.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
    }
  };
  metric('tessera_webhook_deliveries', 'gauge', 'Stored webhook deliveries by state.', DELIVERY_STATES.map((s) => [{ state: s }, stats.byState[s] ?? 0]));
  metric('tessera_webhook_queue_depth', 'gauge', 'Deliveries waiting for a worker (queued).', [[{}, stats.byState.queued ?? 0]]);
  const age = stats.oldestQueuedAt ? Math.max(0, (now.getTime() - Date.parse(stats.oldestQueuedAt)) / 1000) : 0;
  metric('tessera_webhook_oldest_queued_age_seconds', 'gauge', 'Age of the oldest queued delivery (0 when none is queued).', [[{}, age]]);
  const statuses = Object.keys(stats.buildsByStatus).sort();
  metric('tessera_builds', 'gauge', 'Recorded builds (jobs of every run) by status.', statuses.map((s) => [{ status: s }, stats.buildsByStatus[s]!]));
  return lines.join('\n') + '\n';
}
