/**
 * The report page's script (bundled with ansi_up by tools/build.mjs and inlined into every
 * HTML report): the Gantt timeline on a canvas, its row labels, zoom, sort and filter,
 * tooltips, the log panel, and the self-refresh while the run is in progress.
 */
import { formatDuration } from '../../runs/format-duration.js';
import type { PageData } from '../compute-page-data.js';
import { escapeHtml } from '../../html/escape-html.js';
import { createLogPanel } from './log-panel.js';
import { computeRowOrder, formatDelta, formatRowDuration, jobDuration, renderSparkline, type SortKey } from './rows.js';
import { drawAxis, drawBars, fitCanvas, hitSegment, layoutRows, ROW_H, type RowBox, type View } from './timeline.js';

const LABEL_W = 340;
const AXIS_H = 24;

const data = JSON.parse(document.getElementById('tessera-data')!.textContent!) as PageData;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const scroll = $<HTMLDivElement>('tl-scroll');
const rowsEl = $<HTMLDivElement>('tl-rows');
const bars = $<HTMLCanvasElement>('bars');
const axis = $<HTMLCanvasElement>('axis');
const tooltip = $<HTMLDivElement>('tooltip');
const sortSelect = $<HTMLSelectElement>('sort');
const failedOnly = $<HTMLInputElement>('failed-only');
const live = data.refreshMs !== null;

/** Now, in ms from the run's start: the clock while the run is live, else the end of the report. */
const now = () => (live ? Math.max(Date.now(), data.renderedAt) - data.run.start : data.span);

// State that survives the self-refresh of a live report (and a reload): sort, filter, zoom, scroll.
interface Saved {
  sort: SortKey;
  failedOnly: boolean;
  view: View | null;
  scrollTop: number;
}
const storageKey = `tessera-report:${data.run.id}`;
const saved: Partial<Saved> = (() => {
  try {
    return JSON.parse(sessionStorage.getItem(storageKey) ?? '{}') as Partial<Saved>;
  } catch {
    return {};
  }
})();
let sort: SortKey = saved.sort ?? 'start';
let view: View = saved.view ?? fitView();
let fitted = !saved.view;
sortSelect.value = sort;
failedOnly.checked = saved.failedOnly ?? false;
let order: number[] = [];
let criticalRows = new Map<number, number>();
let visible: RowBox[] = [];

function save() {
  try {
    sessionStorage.setItem(storageKey, JSON.stringify({ sort, failedOnly: failedOnly.checked, view: fitted ? null : view, scrollTop: scroll.scrollTop } satisfies Saved));
  } catch {
    // storage disabled: state just does not survive a reload
  }
}

function fitView(): View {
  const end = Math.max(data.span, live ? now() : 0, 1);
  // While the run goes on, room to the right of now for the line's label and what comes next.
  return { from: -end * 0.005, to: end * (live ? 1.07 : 1.02) };
}

const size = () => ({ width: Math.max(50, scroll.clientWidth - LABEL_W), height: scroll.clientHeight });

// ---------------------------------------------------------------------------------------
// Rows (labels) and drawing

function renderRowLabel(i: number, row: number): string {
  const job = data.jobs[i]!;
  const critical = criticalRows.has(i);
  const ms = jobDuration(job, now());
  const delta = formatDelta(job.trend, job.e === null ? null : ms);
  return `<div class="row${critical ? ' critical' : ''}${panel.current === i ? ' sel' : ''}" data-i="${i}" data-app="${escapeHtml(job.app)}" data-status="${escapeHtml(job.status)}" data-tone="${job.tone}" style="top:${row * ROW_H}px;height:${ROW_H}px">`
    + `<div class="lbl" style="width:${LABEL_W - 16}px"><span class="cm">${critical ? '◆' : ''}</span><span class="dot tone-${job.tone}"></span>`
    + `<span class="name">${escapeHtml(job.app)}</span><span class="dur">${formatRowDuration(job, now())}</span>`
    + `${renderSparkline(job.trend, job.e === null ? null : ms, 48, 14)}<span class="delta ${delta?.cls ?? ''}">${delta?.text ?? ''}</span></div></div>`;
}

/** Orders the rows (sort, filter) and shows the labels in view. */
function renderRows() {
  order = computeRowOrder(data.jobs, sort, failedOnly.checked, now());
  criticalRows = new Map(order.flatMap((i, row) => (data.critical.includes(i) ? [[i, row] as [number, number]] : [])));
  rowsEl.style.height = `${order.length * ROW_H}px`;
  renderLabels(true);
}

// Like the bars, the labels exist only for the rows in view (and a few around them), so the
// page's first paint and its scrolling cost the same for 10 jobs as for 10,000.
const SPARE_ROWS = 10;
let labelled = { first: -1, last: -1 };
function renderLabels(force = false) {
  const first = Math.max(0, Math.floor(scroll.scrollTop / ROW_H) - SPARE_ROWS);
  const last = Math.min(order.length, Math.ceil((scroll.scrollTop + scroll.clientHeight) / ROW_H) + SPARE_ROWS);
  if (!force && first === labelled.first && last === labelled.last) return;
  labelled = { first, last };
  rowsEl.innerHTML = order.length ? order.slice(first, last).map((i, k) => renderRowLabel(i, first + k)).join('') : '<div class="empty" style="padding:12px 16px">No build matches.</div>';
}

let frame = 0;
/** The time the last drawing shows as now. */
let drawnNow = 0;
function draw() {
  frame = 0;
  const { width, height } = size();
  const t = (drawnNow = now());
  renderLabels();
  visible = layoutRows(data, order, view, width, scroll.scrollTop, height, t);
  drawBars(fitCanvas(bars, width, height), data, visible, { width, height, view, now: t, live, criticalRows, scrollTop: scroll.scrollTop, selected: panel.current });
  drawAxis(fitCanvas(axis, width, AXIS_H), width, AXIS_H, view, t, live);
}
const schedule = () => {
  frame ||= requestAnimationFrame(draw);
};

// ---------------------------------------------------------------------------------------
// Zoom and pan

function setView(next: View) {
  const full = fitView();
  const range = Math.min(Math.max(next.to - next.from, 20), (full.to - full.from) * 4);
  const from = Math.min(Math.max(next.from, full.from - range * 0.5), full.to - range * 0.5);
  view = { from, to: from + range };
  fitted = false;
  save();
  schedule();
}
function zoom(factor: number, anchorX = size().width / 2) {
  const scale = size().width / (view.to - view.from);
  const at = view.from + anchorX / scale;
  const range = (view.to - view.from) * factor;
  setView({ from: at - (anchorX / size().width) * range, to: at - (anchorX / size().width) * range + range });
}
function fit() {
  view = fitView();
  fitted = true;
  save();
  schedule();
}
$('zoom-in').addEventListener('click', () => zoom(0.5));
$('zoom-out').addEventListener('click', () => zoom(2));
$('zoom-fit').addEventListener('click', fit);
scroll.addEventListener(
  'wheel',
  (e) => {
    const x = e.clientX - scroll.getBoundingClientRect().left - LABEL_W;
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      zoom(Math.exp(e.deltaY * 0.002), Math.max(0, x));
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      e.preventDefault();
      const ms = ((e.shiftKey ? e.deltaY : e.deltaX) * (view.to - view.from)) / size().width;
      setView({ from: view.from + ms, to: view.to + ms });
    }
  },
  { passive: false },
);
axis.addEventListener('mousedown', (e) => {
  const startX = e.clientX;
  const startView = view;
  const move = (m: MouseEvent) => {
    const ms = ((startX - m.clientX) * (startView.to - startView.from)) / size().width;
    setView({ from: startView.from + ms, to: startView.to + ms });
  };
  const up = () => {
    window.removeEventListener('mousemove', move);
    window.removeEventListener('mouseup', up);
  };
  window.addEventListener('mousemove', move);
  window.addEventListener('mouseup', up);
});
axis.addEventListener('dblclick', fit);

// ---------------------------------------------------------------------------------------
// Hover and click

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const clock = (offset: number) => {
  const d = new Date(data.run.start + offset);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
};
const rel = (offset: number) => `+${formatDuration(Math.max(0, offset))}`;

function describeJob(index: number): string {
  const job = data.jobs[index]!;
  const ms = jobDuration(job, now());
  const delta = formatDelta(job.trend, job.e === null ? null : ms);
  return [
    `${job.app} · ${job.label}`,
    `version ${job.version} · ${job.executor} · ${job.computeType}${job.retries ? ` · ${job.retries} retries` : ''}`,
    job.reason ? `why: ${job.reason}` : '',
    job.q !== null && job.s !== null ? `queued ${formatDuration(job.s - job.q)} · built ${formatDuration(ms ?? 0)}` : '',
    job.trend.length ? `previous builds: ${job.trend.map(formatDuration).join(', ')}${delta ? ` (${delta.text} vs last)` : ''}` : '',
    index === data.critical[data.critical.length - 1] ? '◆ set the wall time' : data.critical.includes(index) ? '◆ on the critical path' : '',
    job.error ? `error: ${job.error}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function where(e: MouseEvent): { row: RowBox | undefined; x: number; index: number | undefined } {
  const rect = scroll.getBoundingClientRect();
  const y = e.clientY - rect.top + scroll.scrollTop;
  const index = order[Math.floor(y / ROW_H)];
  return { row: visible.find((r) => r.index === index), x: e.clientX - rect.left - LABEL_W, index };
}

scroll.addEventListener('mousemove', (e) => {
  const { row, x, index } = where(e);
  let text = '';
  if (index !== undefined && x < 0) text = describeJob(index);
  else if (row) {
    const s = hitSegment(row, x);
    if (s) {
      const end = s.end ?? now();
      text = [
        `${row.app} · ${s.type === 'QUEUED' ? 'waiting (QUEUED)' : s.type}${s.attempt ? ` · attempt ${s.attempt}` : ''} · ${s.end === null ? 'running' : s.status.toLowerCase()}`,
        `${clock(s.start)} → ${s.end === null ? 'now' : clock(end)}`,
        `${rel(s.start)} → ${rel(end)} after the run started`,
        `duration ${formatDuration(end - s.start)}`,
        s.message ?? '',
      ]
        .filter(Boolean)
        .join('\n');
    }
  }
  tooltip.hidden = !text;
  if (!text) return;
  tooltip.textContent = text;
  const host = tooltip.parentElement!.getBoundingClientRect();
  const left = Math.min(e.clientX - host.left + 14, host.width - tooltip.offsetWidth - 8);
  const top = e.clientY - host.top + 16;
  tooltip.style.left = `${Math.max(4, left)}px`;
  tooltip.style.top = `${top + tooltip.offsetHeight > host.height ? top - tooltip.offsetHeight - 24 : top}px`;
});
scroll.addEventListener('mouseleave', () => (tooltip.hidden = true));
scroll.addEventListener('click', (e) => {
  const { index } = where(e);
  if (index !== undefined) void panel.open(index);
});
scroll.addEventListener('scroll', () => {
  tooltip.hidden = true;
  save();
  schedule();
});

// ---------------------------------------------------------------------------------------
// Log panel, sort, filter, keys

const panel = createLogPanel(data, now, (index) => {
  renderLabels(true);
  history.replaceState(null, '', index === null ? location.pathname + location.search : `#app=${encodeURIComponent(data.jobs[index]!.app)}`);
  schedule();
});

sortSelect.addEventListener('change', () => {
  sort = sortSelect.value as SortKey;
  renderRows();
  save();
  schedule();
});
failedOnly.addEventListener('change', () => {
  renderRows();
  save();
  schedule();
});
window.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) {
    if (e.key === 'Escape') (e.target as HTMLElement).blur();
    return;
  }
  if (e.key === 'Escape' && panel.current !== null) panel.close();
  else if (e.key === '+' || e.key === '=') zoom(0.5);
  else if (e.key === '-') zoom(2);
  else if (e.key === '0') fit();
});
new ResizeObserver(schedule).observe(scroll);

// ---------------------------------------------------------------------------------------
// Start

renderRows();
scroll.scrollTop = saved.scrollTop ?? 0;
$('corner').style.width = `${LABEL_W}px`;
bars.style.left = `${LABEL_W}px`;
draw();
requestAnimationFrame(() => setTimeout(() => performance.mark('tessera:timeline-painted'), 0));

const wanted = /^#app=(.+)$/.exec(location.hash);
const wantedIndex = wanted ? data.jobs.findIndex((j) => j.app === decodeURIComponent(wanted[1]!)) : -1;
if (wantedIndex >= 0) void panel.open(wantedIndex);

if (live) {
  // The now line moves every second; the file is re-read (the build rewrites it) every refreshMs.
  setInterval(() => {
    if (fitted) view = fitView();
    $('wall').textContent = formatDuration(now());
    renderLabels(true); // running builds' durations
    schedule();
  }, 1000);
  setTimeout(() => {
    save();
    location.reload();
  }, data.refreshMs!);
}

/** For tests and benchmarks: the data, and the geometry of what is drawn. */
declare global {
  interface Window {
    tesseraReport?: unknown;
  }
}
window.tesseraReport = {
  data,
  labelWidth: LABEL_W,
  layout: () => ({ ...size(), view, now: drawnNow, rows: visible, order: order.map((i) => data.jobs[i]!.app) }),
  open: (app: string) => panel.open(data.jobs.findIndex((j) => j.app === app)),
};
