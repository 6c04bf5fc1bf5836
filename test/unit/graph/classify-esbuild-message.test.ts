import { describe, expect, it } from 'vitest';
import { classifyEsbuildMessage, classifySkippedFile, type BuildMessage, type MessageClass } from '../../../tools/src/graph/classify-esbuild-message.js';

const at = (file: string, line = 1) => ({ file, line });

// Texts as esbuild 0.28 prints them (taken from real failed builds).
const cases: [name: string, message: BuildMessage, stubsActive: boolean, expected: MessageClass][] = [
  ['a syntax error makes its file unparseable, warned about later',
    { text: 'Expected identifier but found "="', location: at('src/bad.js', 3) }, false,
    { kind: 'skip', file: 'src/bad.js', skip: { kind: 'unparseable', detail: 'Expected identifier but found "=" (line 3)' } }],
  ['an import that does not resolve is marked on its importer',
    { text: 'Could not resolve "./missing"', location: at('src/entry.js') }, false,
    { kind: 'unresolved', importer: 'src/entry.js', specifier: './missing' }],
  ['an import that does not resolve is still that while stubs are loaded',
    { text: 'Could not resolve "@acme/gone"', location: at('src/entry.js') }, true,
    { kind: 'unresolved', importer: 'src/entry.js', specifier: '@acme/gone' }],
  ['"could not resolve" with no location names no importer: nothing to do',
    { text: 'Could not resolve "./missing"', location: null }, false,
    { kind: 'unknown' }],
  ['a file with no loader is an opaque asset (the file named, not the importer)',
    { text: 'No loader is configured for ".xyz" files: src/a.xyz', location: at('src/entry.js', 2) }, false,
    { kind: 'skip', file: 'src/a.xyz', skip: { kind: 'asset', detail: 'no loader; treated as an opaque asset' } }],
  ['a symlink loop is unreadable, warned about now as a loop',
    { text: 'Cannot read directory "src/a.js": too many levels of symbolic links', location: null }, false,
    { kind: 'skip', file: 'src/a.js', skip: { kind: 'unreadable', detail: 'Cannot read directory "src/a.js": too many levels of symbolic links' }, warning: 'TESSERA_GRAPH_SYMLINK_LOOP' }],
  ['a file that cannot be read is unreadable, warned about now as unparseable',
    { text: 'Cannot read file "src/locked.ts": permission denied', location: at('src/entry.ts') }, false,
    { kind: 'skip', file: 'src/locked.ts', skip: { kind: 'unreadable', detail: 'Cannot read file "src/locked.ts": permission denied' }, warning: 'TESSERA_GRAPH_UNPARSEABLE_FILE' }],
  ['"could not read from file" is the same',
    { text: 'Could not read from file /ws/src/x.ts: input/output error', location: null }, false,
    { kind: 'skip', file: '/ws/src/x.ts', skip: { kind: 'unreadable', detail: 'Could not read from file /ws/src/x.ts: input/output error' }, warning: 'TESSERA_GRAPH_UNPARSEABLE_FILE' }],
  ['an ELOOP naming no file falls back on the location',
    { text: 'open failed: ELOOP', location: at('src/loop.ts') }, false,
    { kind: 'skip', file: 'src/loop.ts', skip: { kind: 'unreadable', detail: 'open failed: ELOOP' }, warning: 'TESSERA_GRAPH_SYMLINK_LOOP' }],
  ['an ELOOP with neither file nor location: nothing to do',
    { text: 'open failed: ELOOP', location: null }, false,
    { kind: 'unknown' }],
  ['a missing export while stubs are loaded: load the barrel for real',
    { text: 'No matching export in "libs/ui/src/index.ts" for import "Button"', location: at('apps/a/main.ts') }, true,
    { kind: 'load-folder', file: 'libs/ui/src/index.ts' }],
  ['a missing export with every file real is the importer\'s fault',
    { text: 'No matching export in "libs/ui/src/index.ts" for import "Button"', location: at('apps/a/main.ts', 4) }, false,
    { kind: 'skip', file: 'apps/a/main.ts', skip: { kind: 'unparseable', detail: 'No matching export in "libs/ui/src/index.ts" for import "Button" (line 4)' } }],
  ['an error with no location and no known wording: nothing to do',
    { text: 'The service was stopped', location: null }, false,
    { kind: 'unknown' }],
];

describe('classifyEsbuildMessage', () => {
  it.each(cases)('%s', (_name, message, stubsActive, expected) => {
    expect(classifyEsbuildMessage(message, stubsActive)).toEqual(expected);
  });
});

describe('classifySkippedFile', () => {
  it.each([
    ['asset', { uncertain: null, warning: null }],
    ['too-large', { uncertain: 'too-large', warning: 'TESSERA_GRAPH_FILE_TOO_LARGE' }],
    ['unparseable', { uncertain: 'unparseable', warning: 'TESSERA_GRAPH_UNPARSEABLE_FILE' }],
    // Warned about when its build failed (as a loop or as unparseable); uncertain all the same.
    ['unreadable', { uncertain: 'unparseable', warning: null }],
  ] as const)('%s', (kind, expected) => {
    expect(classifySkippedFile(kind)).toEqual(expected);
  });
});
