import { execFile } from 'node:child_process';
import { TesseraError } from '../errors/tessera-error.js';
import { type DiscoveryInput, discoverProjects, type DiscoveryResult } from './discover-projects.js';

// Runs in the workspace, with its own Nx, through Nx's public surfaces only: the devkit's
// project graph API (`@nx/devkit`, present in workspaces with Nx plugins), else the CLI's
// `nx graph --file` (the same graph as JSON). Both know every project that Nx plugins infer,
// which file-based discovery cannot see.
const SCRIPT = `
const { createRequire } = require('node:module');
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const req = createRequire(process.cwd() + '/package.json');
const print = (nodes) => process.stdout.write(JSON.stringify(Object.values(nodes).map((n) => ({
  name: n.name, type: n.type, root: n.data.root, sourceRoot: n.data.sourceRoot,
  projectType: n.data.projectType, tags: n.data.tags || [], implicitDependencies: n.data.implicitDependencies || [],
  targets: { build: n.data.targets && n.data.targets.build ? { options: n.data.targets.build.options || {} } : undefined },
}))));
let devkit = null;
try { devkit = req('@nx/devkit'); } catch {}
if (devkit) {
  devkit.createProjectGraphAsync({ exitOnError: false }).then((graph) => print(graph.nodes)).catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
} else {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-nx-graph-'));
  try {
    execFileSync(process.execPath, [req.resolve('nx/bin/nx.js'), 'graph', '--file=' + join(dir, 'graph.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
    print(JSON.parse(readFileSync(join(dir, 'graph.json'), 'utf8')).graph.nodes);
  } catch (e) {
    process.stderr.write(String(e && e.stderr || e && e.stack || e)); process.exit(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
`;

interface NxNode {
  name: string;
  type: string;
  root: string;
  sourceRoot?: string;
  projectType?: string;
  tags: string[];
  implicitDependencies: string[];
  targets: Record<string, unknown>;
}

/**
 * Lists projects through the workspace's own Nx (`@nx/devkit` createProjectGraphAsync, else
 * `nx graph --file`), then feeds
 * them through the same discovery rules as file-based discovery (entries, validation).
 */
export async function readNxProjects(root: string, workspace: Pick<DiscoveryInput, 'nxJson' | 'config' | 'files' | 'readFile'>): Promise<DiscoveryResult> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['-e', SCRIPT], { cwd: root, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } }, (error, out, err) => {
      if (error) {
        reject(new TesseraError('TESSERA_NX_PROJECTS_FAILED', `nx could not compute the project graph of ${root}: ${(err || error.message).trim().split('\n').slice(0, 3).join(' ')}`, { cause: error }));
      } else resolve(out);
    });
  });
  const nodes = JSON.parse(stdout) as NxNode[];
  const projectFiles = new Map<string, string>();
  for (const node of nodes) {
    if (!node.root || node.root === '.') continue;
    // Nx's own node type says e2e even when the project declares `projectType: application`.
    const projectType = node.type === 'e2e' ? 'e2e' : (node.projectType ?? (node.type === 'app' ? 'application' : 'library'));
    projectFiles.set(`${node.root}/project.json`, JSON.stringify({ ...node, projectType }));
    const packageJson = workspace.readFile(`${node.root}/package.json`);
    if (packageJson !== null) projectFiles.set(`${node.root}/package.json`, packageJson);
  }
  // The project list comes from Nx's graph, not from files: messages name the graph, not a project.json that may not exist.
  const onDisk = new Set(workspace.files);
  const synthetic = new Set([...projectFiles.keys()].filter((f) => f.endsWith('/project.json') && !onDisk.has(f)));
  return discoverProjects({
    nxJson: workspace.nxJson, rootPackageJson: null, projectFiles, files: workspace.files, readFile: workspace.readFile, config: workspace.config,
    describeSource: (file) => (synthetic.has(file) ? `the Nx project graph's project in ${file.slice(0, -'/project.json'.length)}` : file),
  });
}
