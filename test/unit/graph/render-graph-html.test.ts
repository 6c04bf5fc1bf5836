import { describe, expect, it } from 'vitest';
import type { GraphPageData, GraphPageNode } from '../../../tools/src/graph/graph-page-data.js';
import { renderGraphHtml } from '../../../tools/src/graph/render-graph-html.js';

const EVIL = `</script><script>alert(1)</script><!-- "quoted" & 'single' <b>`;

const node = (name: string, over: Partial<GraphPageNode> = {}): GraphPageNode => ({
  name, type: 'library', root: `libs/${name}`, framework: null, precision: null, entries: [], files: [], packages: [], usedBy: [], x: 16, y: 16, ...over,
});

const DATA: GraphPageData = {
  files: [`apps/${EVIL}/main.ts`, `libs/${EVIL}.ts`],
  owners: [0, 1],
  nodes: [
    node(`app-${EVIL}`, { type: 'application', root: `apps/${EVIL}`, precision: 'file', entries: [0], files: [0, 1] }),
    node(`lib-${EVIL}`, { x: 286, files: [1], usedBy: [`app-${EVIL}`] }),
    node('a-library-with-a-name-far-too-long-for-its-box', { x: 286, y: 56 }),
  ],
  edges: [[0, 1]],
  why: { app: `app-${EVIL}`, file: `libs/${EVIL}.ts`, chain: [{ file: `apps/${EVIL}/main.ts`, kind: 'entry' }, { file: `libs/${EVIL}.ts`, kind: 'static' }] },
  width: 500,
  height: 100,
};

/** The page's script text, holding what must not end its element either. */
const SCRIPT = 'var s = "</script><!-- x";';

describe('renderGraphHtml', () => {
  const html = renderGraphHtml(DATA, { script: SCRIPT });

  it('embeds the data as JSON that reads back exactly, and nothing from the workspace ends an element early', () => {
    const json = /<script type="application\/json" id="tessera-graph">([^]*?)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(json)).toEqual(DATA);
    expect(json).not.toContain('<');
    // Two script elements, each closed once: the data and the page script.
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html.match(/<!--/g)).toBeNull();
    expect(html).toContain('var s = "<\\/script><\\!-- x";');
  });

  it('draws every node and edge as escaped SVG, a long name shortened with the full one as its tooltip', () => {
    const names = [...html.matchAll(/<g class="node ([a-z ]+)" data-index="(\d)" data-name="([^"]*)"/g)].map((m) => [m[1], m[2], m[3]]);
    expect(names).toEqual([
      ['app', '0', 'app-&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#60;!-- &#34;quoted&#34; &#38; &#39;single&#39; &#60;b&#62;'],
      ['lib', '1', 'lib-&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#60;!-- &#34;quoted&#34; &#38; &#39;single&#39; &#60;b&#62;'],
      ['lib unused', '2', 'a-library-with-a-name-far-too-long-for-its-box'],
    ]);
    expect(html).toContain('<text x="10" y="18">a-library-with-a-name…</text>');
    expect(html).toContain('<title>a-library-with-a-name-far-too-long-for-its-box (library, libs/a-library-with-a-name-far-too-long-for-its-box)</title>');
    expect(html).toMatch(/<path class="edge" data-from="0" data-to="1" d="M196,30 C241,30 241,30 286,30"\/>/);
  });

  it('allows the page no request of any kind', () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">`);
    expect(html).not.toMatch(/\b(src|href)=/);
  });
});
