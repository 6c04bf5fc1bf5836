/**
 * The graph page's script (bundled by tools/build.mjs and inlined into every page
 * `tessera graph --format html` writes): the filter box, the panel of the project clicked
 * (an app's input files, a library's apps), and the `--why` chain. The drawing itself is
 * static SVG in the page; this only adds and removes classes on it. Text from the workspace
 * goes into the page through textContent only, never as HTML.
 */
import type { GraphPageData, GraphPageNode } from '../graph-page-data.js';

/** Files listed in the panel at most; the filter narrows a longer list. */
const LIST_LIMIT = 1000;

const data = JSON.parse(document.getElementById('tessera-graph')!.textContent!) as GraphPageData;
const search = document.getElementById('search') as HTMLInputElement;
const count = document.getElementById('count')!;
const details = document.getElementById('details')!;
const nodeEls = [...document.querySelectorAll<SVGGElement>('#nodes .node')];
const edgeEls = [...document.querySelectorAll<SVGPathElement>('#edges .edge')].map((el) => ({ el, from: Number(el.dataset.from), to: Number(el.dataset.to) }));
const lowerFiles = data.files.map((f) => f.toLowerCase());

const out = data.nodes.map(() => [] as number[]);
for (const { from, to } of edgeEls) out[from]!.push(to);

// The --why chain: the files on it, the projects holding them, the project edges between them.
const chainFiles = new Set<number>();
const chainNodes = new Set<number>();
const chainEdges = new Set<string>();
if (data.why?.chain) {
  const ids = new Map(data.files.map((f, i) => [f, i]));
  let previous = -1;
  for (const step of data.why.chain) {
    const id = ids.get(step.file);
    if (id === undefined) continue;
    chainFiles.add(id);
    const owner = data.owners[id]!;
    if (owner < 0) continue;
    chainNodes.add(owner);
    if (previous >= 0 && previous !== owner) chainEdges.add(`${previous}>${owner}`);
    previous = owner;
  }
}
nodeEls.forEach((el, i) => el.classList.toggle('chain', chainNodes.has(i)));
for (const { el, from, to } of edgeEls) el.classList.toggle('chain', chainEdges.has(`${from}>${to}`));

let selected = -1;
let query = '';

/** Element helper: a tag with a class and text (always as text). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

/** True when the node's name or root, or one of its files, contains the filter. */
function matches(i: number): boolean {
  if (!query) return true;
  const node = data.nodes[i]!;
  return node.name.toLowerCase().includes(query) || node.root.toLowerCase().includes(query) || node.files.some((f) => lowerFiles[f]!.includes(query));
}

/** The projects a selection concerns: an app and the projects its inputs come from; a library, its apps and what it imports. */
function related(i: number): Set<number> {
  const node = data.nodes[i]!;
  const set = new Set([i]);
  if (node.type === 'application') {
    for (const f of node.files) if (data.owners[f]! >= 0) set.add(data.owners[f]!);
    return set;
  }
  for (const app of node.usedBy) set.add(data.nodes.findIndex((n) => n.name === app));
  const stack = [i];
  while (stack.length) {
    for (const to of out[stack.pop()!]!) {
      if (set.has(to)) continue;
      set.add(to);
      stack.push(to);
    }
  }
  return set;
}

function applyClasses(): void {
  const visible = data.nodes.map((_, i) => matches(i));
  const near = selected >= 0 ? related(selected) : null;
  nodeEls.forEach((e, i) => {
    e.classList.toggle('filtered', !visible[i]);
    e.classList.toggle('selected', i === selected);
    e.classList.toggle('dim', near !== null && !near.has(i));
    e.setAttribute('aria-pressed', String(i === selected));
  });
  for (const { el: e, from, to } of edgeEls) {
    e.classList.toggle('filtered', !visible[from] || !visible[to]);
    e.classList.toggle('related', near !== null && near.has(from) && near.has(to));
    e.classList.toggle('dim', near !== null && !(near.has(from) && near.has(to)));
  }
  const shown = visible.filter(Boolean).length;
  count.textContent = query ? `${shown} of ${data.nodes.length} projects` : '';
}

function renderWhy(): HTMLElement | null {
  const why = data.why;
  if (!why) return null;
  const box = el('section');
  box.id = 'why';
  const title = el('h2');
  title.append(`Why ${why.app} includes `, el('code', why.file));
  box.append(title);
  if (!why.chain) {
    box.append(el('p', `${why.app} does not reach this file.`, 'hint'));
    return box;
  }
  const list = el('ol');
  for (const step of why.chain) {
    const item = el('li', step.file);
    item.append(el('span', step.kind, 'kind'));
    list.append(item);
  }
  box.append(list);
  return box;
}

function renderFiles(node: GraphPageNode, heading: string): HTMLElement[] {
  const listed = query ? node.files.filter((f) => lowerFiles[f]!.includes(query)) : node.files;
  const h = el('h3', query ? `${heading} (${listed.length} of ${node.files.length} match)` : `${heading} (${node.files.length})`);
  const list = el('ul');
  list.id = 'files';
  for (const f of listed.slice(0, LIST_LIMIT)) {
    const item = el('li', data.files[f]);
    item.dataset.file = data.files[f];
    if (chainFiles.has(f) && data.why?.app === node.name) item.classList.add('chain');
    const owner = data.owners[f]!;
    if (owner >= 0 && owner !== data.nodes.indexOf(node)) item.append(el('span', data.nodes[owner]!.name, 'owner'));
    list.append(item);
  }
  const more = listed.length > LIST_LIMIT ? [el('p', `… and ${listed.length - LIST_LIMIT} more: type in the filter to narrow the list`, 'hint')] : [];
  return [h, list, ...more];
}

function renderDetails(): void {
  const parts: HTMLElement[] = [];
  const why = renderWhy();
  if (why) parts.push(why);
  if (selected < 0) {
    parts.push(el('p', 'Click an app to see its input files, a library to see which apps use it. Type above to filter.', 'hint'));
    details.replaceChildren(...parts);
    return;
  }
  const node = data.nodes[selected]!;
  const title = el('h2', node.name);
  title.id = 'selected-name';
  const facts = el('dl');
  const fact = (term: string, value: string) => facts.append(el('dt', term), el('dd', value));
  fact('type', node.type);
  if (node.root) fact('root', node.root);
  if (node.framework) fact('framework', node.framework);
  if (node.precision) fact('precision', node.precision === 'file' ? 'file level (inputs proven from its entries)' : 'project level (every file of its root counts)');
  if (node.entries.length) fact('entries', node.entries.map((f) => data.files[f]).join(', '));
  if (node.packages.length) fact('npm packages', node.packages.join(', '));
  const deps = out[selected]!.map((to) => data.nodes[to]!.name).sort();
  if (deps.length) fact('imports from', deps.join(', '));
  if (node.type !== 'application') fact('used by', node.usedBy.length ? node.usedBy.join(', ') : 'no app shown');
  parts.push(title, facts, ...renderFiles(node, node.type === 'application' ? 'Input files' : 'Files that apps reach'));
  details.replaceChildren(...parts);
}

function select(i: number): void {
  selected = i;
  applyClasses();
  renderDetails();
}

nodeEls.forEach((e, i) => {
  e.addEventListener('click', (event) => {
    event.stopPropagation();
    select(selected === i ? -1 : i);
  });
  e.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      select(i);
    }
  });
});
document.getElementById('canvas')!.addEventListener('click', () => select(-1));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && document.activeElement !== search) select(-1);
});
search.addEventListener('input', () => {
  query = search.value.trim().toLowerCase();
  applyClasses();
  renderDetails();
});

select(data.why ? data.nodes.findIndex((n) => n.name === data.why!.app) : -1);
// Bring the project holding the --why file (else the selection) into view.
const focus = nodeEls[[...chainNodes].at(-1) ?? selected];
focus?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
performance.mark('tessera:graph-ready');
