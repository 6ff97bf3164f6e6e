// The cdk8s app (cdk8s.yaml): src/synth.ts bundled by esbuild — our sources only; packages stay
// external and load natively — then run. About 1 s instead of about 2.7 s under tsx, which
// transforms and source-maps every module as it loads; that is what keeps `npm run synth` (cdk8s
// CLI start-up included) within its 3 s goal (docs/adr/0005-estate.md).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, '.cache', 'synth', 'synth.mjs');
await build({
  entryPoints: [join(root, 'src', 'synth.ts')],
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outfile,
  logLevel: 'error',
});
await import(pathToFileURL(outfile).href);
