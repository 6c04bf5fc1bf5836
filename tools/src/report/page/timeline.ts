import { formatDuration } from '../../runs/format-duration.js';
import type { PageData } from '../compute-page-data.js';
import { phaseColor } from '../phase-colors.js';

/** Row height and bar height, CSS pixels. */
export const ROW_H = 24;
const BAR_H = 14;
const BAR_TOP = (ROW_H - BAR_H) / 2;
/** Phases that are instants, not spans: never drawn. */
const INSTANTS = new Set(['SUBMITTED', 'COMPLETED']);

/** The visible time range, ms from the run's start. */
export interface View {
  from: number;
  to: number;
}

/** One drawn phase, in the bars canvas's CSS pixels. */
export interface SegmentBox {
  type: string;
  status: string;
  start: number;
  /** `null` while running (drawn up to now). */
  end: number | null;
  message?: string;
  /** The build attempt, when not the first. */
  attempt?: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  color: string;
}

/** One visible row and its drawn phases. */
export interface RowBox {
  /** Index into `data.jobs`. */
  index: number;
  app: string;
  /** Position among the shown rows. */
  row: number;
  y: number;
  critical: boolean;
  segments: SegmentBox[];
}

/** Geometry of the rows in view (pure): what is drawn, hit-tested and asserted by the browser test. */
export function layoutRows(data: PageData, order: readonly number[], view: View, width: number, scrollTop: number, height: number, now: number): RowBox[] {
  const critical = new Set(data.critical);
  const scale = width / (view.to - view.from);
  const first = Math.max(0, Math.floor(scrollTop / ROW_H));
  const last = Math.min(order.length, Math.ceil((scrollTop + height) / ROW_H));
  const rows: RowBox[] = [];
  for (let row = first; row < last; row++) {
    const index = order[row]!;
    const job = data.jobs[index]!;
    const y = row * ROW_H - scrollTop;
    const segments: SegmentBox[] = [];
    for (let k = 0; k < job.seg.length; k += 4) {
      const type = data.phaseTypes[job.seg[k]!]!;
      const status = data.phaseStatuses[job.seg[k + 1]!]!;
      const start = job.seg[k + 2]!;
      const end = job.seg[k + 3]! < 0 ? null : job.seg[k + 3]!;
      const until = end ?? Math.max(now, start);
      if (INSTANTS.has(type) || until <= start) continue;
      let x0 = (start - view.from) * scale;
      let x1 = (until - view.from) * scale;
      if (x1 < 0 || x0 > width) continue;
      if (x1 - x0 < 1) x1 = x0 + 1; // a phase of a few ms still shows
      x0 = Math.max(-1, x0);
      x1 = Math.min(width + 1, x1);
      const message = job.msg?.[k / 4];
      const attempt = job.att?.[k / 4];
      segments.push({ type, status, start, end, ...(message ? { message } : {}), ...(attempt ? { attempt } : {}), x0, x1, y0: y + BAR_TOP, y1: y + BAR_TOP + BAR_H, color: phaseColor(type, status) });
    }
    rows.push({ index, app: job.app, row, y, critical: critical.has(index), segments });
  }
  return rows;
}

/** The segment under x in a row, if any. */
export function hitSegment(row: RowBox, x: number): SegmentBox | null {
  for (let i = row.segments.length - 1; i >= 0; i--) {
    const s = row.segments[i]!;
    if (x >= s.x0 - 1 && x <= s.x1 + 1) return s;
  }
  return null;
}

const STEPS = [10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 144e5];

/** The tick spacing (ms) that puts ticks at least `minPx` apart. */
export function chooseTickStep(msPerPx: number, minPx = 90): number {
  return STEPS.find((s) => s / msPerPx >= minPx) ?? STEPS[STEPS.length - 1]!;
}

/** A tick's label: `0s`, `1.5s`, `45s`, `2m`, `2m 30s`, `1h 05m`. */
export function formatTick(ms: number, step: number): string {
  if (ms === 0) return '0';
  if (step < 1000) return `${(ms / 1000).toFixed(step < 100 ? 2 : 1)}s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 3_600_000) {
    const m = Math.floor(ms / 60_000);
    const s = Math.round((ms % 60_000) / 1000);
    return s ? `${m}m ${String(s).padStart(2, '0')}s` : `${m}m`;
  }
  const h = Math.floor(ms / 3_600_000);
  return `${h}h ${String(Math.round((ms % 3_600_000) / 60_000)).padStart(2, '0')}m`;
}

/** Sizes a canvas to CSS pixels × devicePixelRatio and returns a context scaled to CSS pixels. */
export function fitCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

const isDark = (hex: string) => {
  const n = parseInt(hex.slice(1), 16);
  return ((n >> 16) & 255) * 0.299 + ((n >> 8) & 255) * 0.587 + (n & 255) * 0.114 < 150;
};

let hatch: CanvasPattern | null = null;
let stripes: CanvasPattern | null = null;
function patterns(ctx: CanvasRenderingContext2D) {
  if (!hatch || !stripes) {
    const make = (color: string, width: number) => {
      const c = document.createElement('canvas');
      c.width = c.height = 8;
      const g = c.getContext('2d')!;
      g.strokeStyle = color;
      g.lineWidth = width;
      g.beginPath();
      g.moveTo(-2, 10);
      g.lineTo(10, -2);
      g.moveTo(6, 10);
      g.lineTo(10, 6);
      g.moveTo(-2, 2);
      g.lineTo(2, -2);
      g.stroke();
      return ctx.createPattern(c, 'repeat')!;
    };
    hatch = make('rgba(120,130,145,.35)', 1);
    stripes = make('rgba(255,255,255,.45)', 2.5);
  }
  return { hatch, stripes };
}

/** What {@link drawBars} needs besides the rows. */
export interface DrawOptions {
  width: number;
  height: number;
  view: View;
  now: number;
  live: boolean;
  /** Row position of each critical job (by job index), for the hand-over connectors. */
  criticalRows: Map<number, number>;
  scrollTop: number;
  selected: number | null;
}

/** Draws the visible rows' bars in one pass: grid, phases, critical outlines and hand-overs, the now line. */
export function drawBars(ctx: CanvasRenderingContext2D, data: PageData, rows: readonly RowBox[], o: DrawOptions): void {
  const { hatch: hatchFill, stripes: stripeFill } = patterns(ctx);
  ctx.clearRect(0, 0, o.width, o.height);
  const scale = o.width / (o.view.to - o.view.from);
  const X = (t: number) => (t - o.view.from) * scale;
  const step = chooseTickStep(1 / scale);
  ctx.fillStyle = '#eef0f3';
  for (let t = Math.ceil(o.view.from / step) * step; t <= o.view.to; t += step) ctx.fillRect(Math.round(X(t)), 0, 1, o.height);

  ctx.font = '11px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif';
  ctx.textBaseline = 'middle';
  for (const row of rows) {
    if (row.index === o.selected) {
      ctx.fillStyle = 'rgba(63,127,217,.08)';
      ctx.fillRect(0, row.y, o.width, ROW_H);
    }
    for (const s of row.segments) {
      const w = s.x1 - s.x0;
      ctx.fillStyle = s.color;
      ctx.fillRect(s.x0, s.y0, w, BAR_H);
      if (s.type === 'QUEUED') {
        ctx.fillStyle = hatchFill;
        ctx.fillRect(s.x0, s.y0, w, BAR_H);
      } else if (s.end === null) {
        ctx.fillStyle = stripeFill;
        ctx.fillRect(s.x0, s.y0, w, BAR_H);
      }
      if (w > 46) {
        const ms = (s.end ?? Math.max(o.now, s.start)) - s.start;
        const label = s.type === 'QUEUED' ? `wait ${formatDuration(ms)}` : `${s.type} ${formatDuration(ms)}`;
        const short = s.type === 'QUEUED' ? 'wait' : s.type;
        const text = ctx.measureText(label).width + 8 <= w ? label : ctx.measureText(short).width + 8 <= w ? short : '';
        if (text) {
          ctx.fillStyle = s.type === 'QUEUED' ? '#4a5568' : isDark(s.color) ? '#fff' : '#1d2433';
          ctx.fillText(text, Math.max(s.x0, 0) + 4, s.y0 + BAR_H / 2 + 0.5);
        }
      }
    }
    const job = data.jobs[row.index]!;
    if (row.critical && job.s !== null) {
      const x0 = X(job.s);
      const x1 = X(job.e ?? Math.max(o.now, job.s));
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 2;
      ctx.strokeRect(x0 - 1, row.y + BAR_TOP - 2, Math.max(2, x1 - x0 + 2), BAR_H + 4);
    }
  }

  // Hand-overs along the critical path: from the end of one build down to the start of the next.
  ctx.strokeStyle = 'rgba(17,17,17,.6)';
  ctx.lineWidth = 1.25;
  ctx.setLineDash([3, 3]);
  for (let i = 1; i < data.critical.length; i++) {
    const a = o.criticalRows.get(data.critical[i - 1]!);
    const b = o.criticalRows.get(data.critical[i]!);
    const next = data.jobs[data.critical[i]!]!;
    if (a === undefined || b === undefined || next.s === null) continue;
    const x = Math.round(X(next.s)) + 0.5;
    const ya = a * ROW_H - o.scrollTop + (a < b ? BAR_TOP + BAR_H + 2 : BAR_TOP - 2);
    const yb = b * ROW_H - o.scrollTop + (a < b ? BAR_TOP - 2 : BAR_TOP + BAR_H + 2);
    ctx.beginPath();
    ctx.moveTo(x, ya);
    ctx.lineTo(x, yb);
    ctx.stroke();
  }
  ctx.setLineDash([]);

  if (o.live) {
    const x = Math.round(X(o.now)) + 0.5;
    ctx.strokeStyle = '#e5484d';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, o.height);
    ctx.stroke();
  }
}

/** Draws the time axis: ticks relative to the run's start and, while it runs, "now". */
export function drawAxis(ctx: CanvasRenderingContext2D, width: number, height: number, view: View, now: number, live: boolean): void {
  ctx.clearRect(0, 0, width, height);
  const scale = width / (view.to - view.from);
  const step = chooseTickStep(1 / scale);
  ctx.font = '11px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#5d6778';
  const nowX = live ? Math.round((now - view.from) * scale) : Number.NaN;
  for (let t = Math.ceil(view.from / step) * step; t <= view.to; t += step) {
    const x = Math.round((t - view.from) * scale);
    ctx.fillRect(x, height - 6, 1, 6);
    // A tick label under the "now" label would be unreadable.
    if (!(x > nowX - 52 && x < nowX + 30)) ctx.fillText(formatTick(t, step), x + 3, height / 2 - 1);
  }
  if (live) {
    const x = nowX;
    ctx.fillStyle = '#e5484d';
    ctx.fillRect(x, 0, 1.5, height);
    ctx.fillText('now', x + 4, height / 2 - 1);
  }
}
