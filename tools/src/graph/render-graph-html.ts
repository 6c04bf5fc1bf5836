import { escapeHtml, escapeScriptJson, escapeScriptText } from '../html/escape-html.js';
import { NODE_HEIGHT, NODE_WIDTH } from './compute-graph-page.js';
import type { GraphPageData, GraphPageNode } from './graph-page-data.js';

/** What {@link renderGraphHtml} needs besides the data. */
export interface GraphHtmlOptions {
  /** The page's script (graph/page/main.ts, bundled; see readGraphPageScript). */
  script: string;
}


/** Characters of a name that fit in a node's box; longer names end in "…" (the full one is the box's tooltip). */
const LABEL_CHARS = 22;

function renderNode(node: GraphPageNode, index: number): string {
  const label = node.name.length > LABEL_CHARS ? `${node.name.slice(0, LABEL_CHARS - 1)}…` : node.name;
  const kind = node.type === 'application' ? 'app' : node.type === 'e2e' ? 'e2e' : 'lib';
  const unused = kind === 'lib' && node.usedBy.length === 0 ? ' unused' : '';
  const tip = `${node.name} (${node.type}${node.root ? `, ${node.root}` : ''})`;
  return `<g class="node ${kind}${unused}" data-index="${index}" data-name="${escapeHtml(node.name)}" transform="translate(${node.x},${node.y})" tabindex="0" role="button" aria-label="${escapeHtml(tip)}"><title>${escapeHtml(tip)}</title><rect width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="5"/><text x="10" y="${NODE_HEIGHT / 2 + 4}">${escapeHtml(label)}</text></g>`;
}

function renderEdge(data: GraphPageData, [from, to]: [number, number]): string {
  const a = data.nodes[from]!;
  const b = data.nodes[to]!;
  const x1 = a.x + NODE_WIDTH;
  const y1 = a.y + NODE_HEIGHT / 2;
  const y2 = b.y + NODE_HEIGHT / 2;
  // An edge closing a cycle points back to a column at or left of its source: it leaves and
  // enters on the right, bulging out, rather than cutting through the boxes between.
  const back = b.x <= a.x;
  const x2 = back ? b.x + NODE_WIDTH : b.x;
  const dx = back ? 36 : Math.max(40, (x2 - x1) / 2);
  return `<path class="edge${back ? ' back' : ''}" data-from="${from}" data-to="${to}" d="M${x1},${y1} C${x1 + dx},${y1} ${back ? x2 + dx : x2 - dx},${y2} ${x2},${y2}"/>`;
}

/**
 * `tessera graph --format html`: one self-contained page (styles, data and script inline; a
 * content security policy that allows no request) with the apps and libraries as an SVG
 * drawing of boxes and dependency edges, a filter box, a panel with the files of the project
 * clicked, and the `--why` chain highlighted. The drawing is static markup, so the page shows
 * the graph without its script; the data the script needs is JSON in a
 * `<script type="application/json">`. Everything taken from the workspace is escaped. Pure.
 */
export function renderGraphHtml(data: GraphPageData, options: GraphHtmlOptions): string {
  const apps = data.nodes.filter((n) => n.type === 'application').length;
  const libs = data.nodes.length - apps;
  const summary = `${apps} app${apps === 1 ? '' : 's'} · ${libs} other project${libs === 1 ? '' : 's'} · ${data.files.length} input file${data.files.length === 1 ? '' : 's'}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="Tessera">
<title>${escapeHtml(`Tessera graph · ${summary}`)}</title>
<style>${GRAPH_CSS}</style>
</head>
<body>
<header>
<h1>Tessera graph</h1><span class="meta">${escapeHtml(summary)}</span>
<input id="search" type="search" placeholder="Filter projects and files: name or path" aria-label="Filter projects and files" autocomplete="off">
<span id="count" class="meta"></span>
</header>
<main>
<section id="canvas" aria-label="Projects and their dependencies">
<svg id="graph" xmlns="http://www.w3.org/2000/svg" width="${data.width}" height="${data.height}" viewBox="0 0 ${data.width} ${data.height}">
<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0L8,4L0,8z"/></marker></defs>
<g id="edges">${data.edges.map((e) => renderEdge(data, e)).join('')}</g>
<g id="nodes">${data.nodes.map(renderNode).join('')}</g>
</svg>
</section>
<aside id="details" aria-live="polite"><p class="hint">Click an app to see its input files, a library to see which apps use it. Type above to filter.</p></aside>
</main>
<noscript><p class="hint">The filter and the file lists need JavaScript; the drawing above does not.</p></noscript>
<script type="application/json" id="tessera-graph">${escapeScriptJson(JSON.stringify(data))}</script>
<script>${escapeScriptText(options.script)}</script>
</body>
</html>
`;
}

const GRAPH_CSS = `
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#0f172a;background:#fff;display:flex;flex-direction:column;height:100vh}
header{display:flex;align-items:center;gap:12px;padding:8px 16px;border-bottom:1px solid #e2e8f0;flex-wrap:wrap}
h1{font-size:15px;margin:0}
h2{font-size:14px;margin:0 0 4px}
h3{font-size:12px;margin:12px 0 4px;text-transform:uppercase;letter-spacing:.04em;color:#475569}
.meta,.hint{color:#64748b}
#search{flex:0 1 320px;padding:4px 8px;border:1px solid #cbd5e1;border-radius:4px;font:inherit}
main{display:flex;flex:1;min-height:0}
#canvas{flex:1;overflow:auto}
#details{width:420px;max-width:45vw;overflow:auto;border-left:1px solid #e2e8f0;padding:12px 16px}
.node{cursor:pointer}
.node rect{fill:#f1f5f9;stroke:#94a3b8;stroke-width:1}
.node.app rect{fill:#dbeafe;stroke:#3b82f6}
.node.e2e rect{fill:#f5f3ff;stroke:#a78bfa}
.node.unused rect{stroke-dasharray:4 3}
.node text{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;fill:#0f172a;pointer-events:none}
.node:focus{outline:none}
.node:focus rect,.node:hover rect{stroke-width:2}
.node.selected rect{stroke:#1d4ed8;stroke-width:3}
.node.chain rect{fill:#fef3c7;stroke:#d97706;stroke-width:2}
.node.dim{opacity:.3}
.edge{fill:none;stroke:#cbd5e1;stroke-width:1.2;marker-end:url(#arrow)}
.edge.related{stroke:#64748b;stroke-width:1.6}
.edge.chain{stroke:#d97706;stroke-width:2.6}
.edge.dim{opacity:.25}
marker path{fill:#94a3b8}
.filtered{display:none}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}
dt{color:#64748b}
dd{margin:0;word-break:break-all}
ul,ol{margin:0;padding-left:18px;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
li.chain{background:#fef3c7}
li .owner{color:#64748b;margin-left:6px}
#why{border:1px solid #fcd34d;background:#fffbeb;border-radius:4px;padding:8px 10px;margin-bottom:12px}
#why .kind{color:#92400e;margin-left:6px}
`;
