/** Request counters of the edge, rendered in the Prometheus text format. */
export interface EdgeMetrics {
  count(app: string, version: string, slot: string, status: number): void;
  render(extra?: string[]): string;
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Counts requests by app, version, slot and status; cheap enough for every request. */
export function createEdgeMetrics(): EdgeMetrics {
  const counts = new Map<string, number>();
  return {
    count(app, version, slot, status) {
      const key = `app="${escapeLabel(app)}",version="${escapeLabel(version)}",slot="${slot}",status="${status}"`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    render(extra = []) {
      const lines = ['# HELP tessera_edge_requests_total Requests served by the edge, by app, version, slot and HTTP status.', '# TYPE tessera_edge_requests_total counter'];
      for (const [labels, value] of [...counts].sort(([a], [b]) => a.localeCompare(b))) lines.push(`tessera_edge_requests_total{${labels}} ${value}`);
      return [...lines, ...extra, ''].join('\n');
    },
  };
}
