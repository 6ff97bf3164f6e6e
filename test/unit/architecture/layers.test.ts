/**
 * The controller and the local platform stay apart (ADR 0007: `controllers/` never imports
 * `local/`): the controller ships alone in its image, and the local platform stands in for a
 * cluster and AWS, which the controller must reach only over the wire. Every import specifier of
 * every TypeScript file under each folder is resolved; one into the other fails with file and line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/schema/paths.js';
import { importSpecifiers } from '../../support/import-specifiers.js';

const root = projectRoot();

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.[cm]?tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** `file:line imports 'specifier'` for each import in `from` that resolves into `into`. */
function importsInto(from: string, into: string): string[] {
  const target = resolve(root, into) + sep;
  return typeScriptFiles(join(root, from)).flatMap((file) =>
    importSpecifiers(file, readFileSync(file, 'utf8'))
      .filter(({ specifier }) => /^\.{1,2}\/|^\//.test(specifier))
      .filter(({ specifier }) => resolve(dirname(file), specifier).startsWith(target))
      .map(({ specifier, line }) => `${relative(root, file)}:${line} imports '${specifier}'`),
  );
}

describe('layers', () => {
  it('local/ imports nothing from controllers/', () => {
    expect(importsInto('local', 'controllers')).toEqual([]);
  });

  it('controllers/ imports nothing from local/', () => {
    expect(importsInto('controllers', 'local')).toEqual([]);
  });
});

describe('importSpecifiers', () => {
  it('finds static, type-only, re-exported, dynamic, import-type and require imports, with their lines', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export * from './c.js';",
      "const d = await import('./d.js');",
      "let e: import('./e.js').E;",
      "import f = require('./f.js');",
      "const g = require('./g.js');",
      "// import { h } from './h.js';",
      'const i = "import \'./i.js\'";',
    ].join('\n');
    expect(importSpecifiers('x.ts', text)).toEqual([
      { specifier: './a.js', line: 1 },
      { specifier: '../b.js', line: 2 },
      { specifier: './c.js', line: 3 },
      { specifier: './d.js', line: 4 },
      { specifier: './e.js', line: 5 },
      { specifier: './f.js', line: 6 },
      { specifier: './g.js', line: 7 },
    ]);
  });
});
