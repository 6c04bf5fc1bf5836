/** What the shell references: entry scripts and styles with their integrity. */
export interface ShellInput {
  app: string;
  scripts: { path: string; integrity: string }[];
  styles: { path: string; integrity: string }[];
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The app's index.html: a `#root` element for the app to mount on, and the hashed entry
 * files with their SRI integrity. URLs are relative, so the same shell works wherever the
 * version's directory is served from (the edge maps `/<route>/` to it).
 */
export function renderShell(input: ShellInput): string {
  const tag = (path: string, integrity: string, kind: 'script' | 'style') =>
    kind === 'script'
      ? `    <script type="module" src="./${escapeHtml(path)}" integrity="${integrity}" crossorigin="anonymous"></script>`
      : `    <link rel="stylesheet" href="./${escapeHtml(path)}" integrity="${integrity}" crossorigin="anonymous">`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '  <head>',
    '    <meta charset="utf-8">',
    '    <meta name="viewport" content="width=device-width, initial-scale=1">',
    `    <title>${escapeHtml(input.app)}</title>`,
    ...input.styles.map((s) => tag(s.path, s.integrity, 'style')),
    ...input.scripts.map((s) => tag(s.path, s.integrity, 'script')),
    '  </head>',
    '  <body>',
    '    <div id="root"></div>',
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}
