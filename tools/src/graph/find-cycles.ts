import type { FileGraph } from './file-graph.js';

/**
 * Import cycles, as lists of files (each cycle starts at its smallest path). Tarjan's
 * strongly connected components, iterative so a deep graph cannot overflow the stack.
 */
export function findCycles(graph: FileGraph): string[][] {
  const n = graph.files.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (let start = 0; start < n; start++) {
    if (index[start] !== -1) continue;
    const work: [node: number, edge: number][] = [[start, 0]];
    index[start] = low[start] = counter++;
    stack.push(start);
    onStack[start] = 1;
    while (work.length) {
      const frame = work[work.length - 1]!;
      const [v, i] = frame;
      const edges = graph.edges[v]!;
      if (i < edges.length) {
        frame[1] += 2;
        const w = edges[i]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      if (work.length) low[work[work.length - 1]![0]] = Math.min(low[work[work.length - 1]![0]]!, low[v]!);
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        const selfLoop = graph.edges[v]!.some((t, k) => k % 2 === 0 && t === v);
        if (component.length > 1 || selfLoop) cycles.push(component.map((c) => graph.files[c]!).sort());
      }
    }
  }
  return cycles.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}
