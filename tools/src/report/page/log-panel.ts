import { AnsiUp } from 'ansi_up';
import { formatDuration } from '../../runs/format-duration.js';
import type { PageData, PageJob } from '../compute-page-data.js';
import { describeStatus } from '../describe-status.js';
import { escapeHtml } from '../../html/escape-html.js';
import { phaseColor } from '../phase-colors.js';
import { findFirstError, isErrorLine, type LogEntry, parseLogText, placeMarkers, readSidecarLog } from './log-lines.js';
import { formatDelta, jobDuration, renderSparkline } from './rows.js';

/** The log panel: one build's log at a time, loaded from its sidecar script when opened. */
export interface LogPanel {
  open(index: number): Promise<void>;
  close(): void;
  readonly current: number | null;
}

/** A sidecar's log: its text, or a function whose source holds it in a comment (see readSidecarLog). */
type LogCallback = (index: number, log: string | (() => void)) => void;
declare global {
  interface Window {
    /** Called by each log sidecar script: `__tesseraLog(jobIndex, logText)`. */
    __tesseraLog?: LogCallback;
  }
}

const texts = new Map<number, string>();
const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();

/**
 * A sidecar's URL with the credential of the page's own: a report opened through a signed
 * link (`/runs/<id>?token=…`, from `tessera serve`) is the only thing that link opens, and
 * the service serves the run's logs only with the same token. A script element sends no
 * query string of the page's on its own.
 */
export function withLinkToken(url: string, pageSearch: string): string {
  const token = new URLSearchParams(pageSearch).get('token');
  return token ? `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : url;
}

/** Loads a job's log sidecar with a script element: unlike fetch, that works from file:// too. */
function loadLog(index: number, url: string): Promise<string> {
  const cached = texts.get(index);
  if (cached !== undefined) return Promise.resolve(cached);
  window.__tesseraLog ??= (i, log) => {
    const text = readSidecarLog(log);
    texts.set(i, text);
    waiting.get(i)?.resolve(text);
    waiting.delete(i);
  };
  return new Promise((resolve, reject) => {
    waiting.set(index, { resolve, reject });
    const script = document.createElement('script');
    script.src = withLinkToken(url, location.search);
    script.onerror = () => {
      waiting.delete(index);
      script.remove();
      reject(new Error(`The log file ${url} is missing next to this report.`));
    };
    script.onload = () => script.remove();
    document.head.append(script);
  });
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const clock = (iso: string) => iso.slice(11, 23);

/** Why a job shows no log. */
function noLogReason(job: PageJob): string {
  if (job.tone === 'skipped') return 'Skipped: this version was already built and published, so nothing ran.';
  if (job.tone === 'queued' || job.q === null) return 'Not started: no log yet.';
  if (job.tone === 'running') return 'Still running: the log appears here when the build ends.';
  return 'No log was recorded for this build.';
}

/**
 * Creates the log panel over the page's elements. `now` is the page's clock (ms from the run's
 * start); `onChange` is told when a build is opened or closed.
 */
export function createLogPanel(data: PageData, now: () => number, onChange: (index: number | null) => void): LogPanel {
  const panel = $<HTMLElement>('log');
  const body = $<HTMLElement>('log-body');
  const search = $<HTMLInputElement>('log-search');
  const count = $<HTMLElement>('log-count');
  const errorButton = $<HTMLButtonElement>('log-error');
  const consoleLink = $<HTMLAnchorElement>('log-console');
  let current: number | null = null;
  let entries: LogEntry[] = [];
  let lines: HTMLElement[] = [];
  let firstError = -1;
  let hits: number[] = [];
  let hit = -1;

  const jump = (n: number) => {
    const el = lines[n];
    if (!el) return;
    // Not scrollIntoView: that would scroll the page too, and hide the header.
    body.scrollTop = el.offsetTop - body.clientHeight / 2 + el.offsetHeight / 2;
    el.classList.remove('flash');
    void el.offsetWidth; // restart the animation
    el.classList.add('flash');
  };

  function runSearch() {
    for (const i of hits) lines[i]?.classList.remove('hit', 'cur');
    const q = search.value.trim().toLowerCase();
    hits = q ? entries.flatMap((e, i) => (e.plain.toLowerCase().includes(q) ? [i] : [])) : [];
    for (const i of hits) lines[i]?.classList.add('hit');
    hit = -1;
    count.textContent = q ? `${hits.length} match${hits.length === 1 ? '' : 'es'}` : '';
  }
  function nextHit(back: boolean) {
    if (!hits.length) return;
    lines[hits[hit] ?? -1]?.classList.remove('cur');
    hit = (hit + (back ? -1 : 1) + hits.length) % hits.length;
    lines[hits[hit]!]!.classList.add('cur');
    count.textContent = `${hit + 1} / ${hits.length}`;
    jump(hits[hit]!);
  }
  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(runSearch, 120);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    clearTimeout(timer);
    if (!hits.length) runSearch();
    nextHit(e.shiftKey);
  });
  errorButton.addEventListener('click', () => jump(firstError));
  $<HTMLButtonElement>('log-close').addEventListener('click', () => api.close());

  function renderHead(job: PageJob) {
    $('log-title').textContent = job.app;
    const ms = jobDuration(job, now());
    const meta = [describeStatus(job.status).label, ms === null ? null : formatDuration(ms), `version ${job.version}`, job.buildId, job.computeType, job.retries ? `${job.retries} retr${job.retries === 1 ? 'y' : 'ies'}` : null, job.reason];
    $('log-meta').textContent = meta.filter(Boolean).join(' · ');
    const delta = formatDelta(job.trend, ms);
    $('log-trend').innerHTML = job.trend.length
      ? `${renderSparkline(job.trend, ms, 90, 16)} ${delta ? `<span class="delta ${delta.cls}">${delta.text}</span> vs last build (${formatDuration(job.trend[job.trend.length - 1]!)}), ${job.trend.length} earlier` : ''}`
      : '';
    consoleLink.hidden = !job.consoleUrl;
    if (job.consoleUrl) consoleLink.href = job.consoleUrl;
  }

  function renderLog(job: PageJob, text: string) {
    entries = parseLogText(text);
    const au = new AnsiUp();
    // Classes for the 16 basic colours, so that the stylesheet can give them a palette that
    // reads on the log's dark background; 256-colour and true-colour text keeps inline styles.
    au.use_classes = true;
    const markers: { iso: string; html: string }[] = [];
    for (let k = 0; k < job.seg.length; k += 4) {
      const type = data.phaseTypes[job.seg[k]!]!;
      if (type === 'SUBMITTED' || type === 'COMPLETED') continue;
      const status = data.phaseStatuses[job.seg[k + 1]!]!;
      const start = job.seg[k + 2]!;
      const end = job.seg[k + 3]!;
      const message = job.msg?.[k / 4];
      const attempt = job.att?.[k / 4];
      const bad = status !== 'SUCCEEDED' && status !== 'IN_PROGRESS';
      markers.push({
        iso: new Date(data.run.start + start).toISOString(),
        html: `<div class="marker${bad ? ' bad' : ''}" style="--c:${phaseColor(type, status)}">▸ ${type === 'QUEUED' ? 'QUEUED (waiting)' : type}${attempt ? ` (attempt ${attempt})` : ''} <span class="m">${clock(new Date(data.run.start + start).toISOString())} · ${end < 0 ? (type === 'QUEUED' ? 'waiting' : 'running') : `${formatDuration(end - start)} · ${status.toLowerCase()}`}${message ? ` — ${escapeHtml(message)}` : ''}</span></div>`,
      });
    }
    const at = placeMarkers(entries, markers.map((m) => m.iso));
    const html: string[] = [];
    let m = 0;
    const errors = entries.map(isErrorLine);
    firstError = findFirstError(entries, errors);
    entries.forEach((e, i) => {
      while (m < markers.length && at[m]! <= i) html.push(markers[m++]!.html);
      html.push(`<div class="ln s-${escapeHtml(e.stream)}${errors[i] ? ' err' : ''}"><span class="no">${i + 1}</span><span class="t">${clock(e.time)}</span><span class="tx">${au.ansi_to_html(e.raw)}</span></div>`);
    });
    while (m < markers.length) html.push(markers[m++]!.html);
    body.innerHTML = html.join('') || '<div class="empty">The log is empty.</div>';
    lines = Array.from(body.querySelectorAll<HTMLElement>('.ln'));
    errorButton.hidden = firstError < 0;
    errorButton.textContent = `First error (line ${firstError + 1})`;
    $('log-phases').textContent = `${entries.length} lines`;
    runSearch();
  }

  const api: LogPanel = {
    get current() {
      return current;
    },
    async open(index) {
      const job = data.jobs[index];
      if (!job) return;
      const started = performance.now();
      current = index;
      panel.hidden = false;
      renderHead(job);
      onChange(index);
      entries = [];
      lines = [];
      errorButton.hidden = true;
      $('log-phases').textContent = '';
      if (!job.log) {
        body.innerHTML = `<div class="empty">${escapeHtml(noLogReason(job))}${job.error ? `<br><br>${escapeHtml(job.error)}` : ''}</div>`;
        return;
      }
      body.innerHTML = '<div class="empty">Loading the log…</div>';
      let text: string;
      try {
        text = await loadLog(index, job.log);
      } catch (error) {
        if (current === index) body.innerHTML = `<div class="empty">${escapeHtml((error as Error).message)}</div>`;
        return;
      }
      if (current !== index) return;
      performance.mark('tessera:log-loaded');
      renderLog(job, text);
      // A failed build opens at its first error line; others at the top.
      if (job.tone === 'failed' && firstError >= 0) jump(firstError);
      else body.scrollTop = 0;
      performance.measure('tessera:log-open', { start: started, end: performance.now() });
      performance.mark('tessera:log-rendered');
    },
    close() {
      panel.hidden = true;
      current = null;
      onChange(null);
    },
  };
  return api;
}
