/**
 * `npm run build:controller`: the controller as one ES module for plain node (what the image runs):
 * no tsx at run time, about 100 MB less RSS (ADR 0007, Performance). The bench bundles with the same
 * function.
 */
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export async function bundleController(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'error',
    outfile,
    // CommonJS dependencies call require(); an ES module bundle has to provide it.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
}

if (process.argv[1] && realpathSync(resolve(process.argv[1])) === fileURLToPath(import.meta.url)) {
  const root = join(import.meta.dirname, '..');
  await bundleController(join(root, 'controllers/main.ts'), join(root, 'build/controller.mjs'));
  process.stdout.write('wrote build/controller.mjs\n');
}
