export type AnalyticsEvent =
  | { name: 'page_view'; path: string }
  | { name: 'course_click'; courseId: string; position: number; list: string }
  | { name: 'enroll_click'; courseId: string }
  | { name: 'search'; query: string; resultCount: number }
  | { name: 'checkout_step'; step: 'cart' | 'payment' | 'confirmation'; orderId?: string };

type QueuedEvent = AnalyticsEvent & { app: string; ts: number };

const COLLECT_URL = '/collect';
const MAX_BATCH = 10;

const queue: QueuedEvent[] = [];
let appName = 'unknown';

export function initAnalytics(app: string): void {
  appName = app;
  window.addEventListener('pagehide', flush);
}

export function track(event: AnalyticsEvent): void {
  queue.push({ ...event, app: appName, ts: Date.now() });
  if (queue.length >= MAX_BATCH) flush();
}

export function flush(): void {
  if (queue.length === 0) return;
  const batch = JSON.stringify(queue.splice(0));
  if (!navigator.sendBeacon?.(COLLECT_URL, batch)) {
    void fetch(COLLECT_URL, { method: 'POST', body: batch, keepalive: true });
  }
}
