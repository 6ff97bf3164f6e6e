/**
 * The cdk8s app behind `npm run synth` (cdk8s.yaml: `app: node tools/synth.mjs`, which bundles this
 * file with esbuild and runs it; no tsx or npx start-up).
 *
 * cdk8s-cli deletes its output folder (`dist/`, git-ignored) before every run, so the committed
 * files cannot live there: the app synthesizes to dist/ as cdk8s expects and also writes the
 * committed copies (charts/switchyard/crds/…) itself, only touching files whose content changed.
 */
import { App } from 'cdk8s';
import { VALUES_SCHEMA_FILE, writeValuesSchema } from './chart/values.js';
import { addGeneratedCharts, renderGeneratedFiles, writeGeneratedFiles } from './generate/generated-files.js';
import { projectRoot as findProjectRoot } from './schema/paths.js';

// Found by walking up to package.json: this module also runs bundled from .cache/synth/.
const projectRoot = findProjectRoot();

const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist' });
const charts = addGeneratedCharts(app);
app.synth();

const report = writeGeneratedFiles(projectRoot, renderGeneratedFiles(charts));
if (writeValuesSchema(projectRoot)) report.written.push(VALUES_SCHEMA_FILE);
for (const path of report.written) process.stderr.write(`wrote ${path}\n`);
for (const path of report.removed) process.stderr.write(`removed ${path}\n`);
if (!report.written.length && !report.removed.length) {
  process.stderr.write(`${report.unchanged.length} generated files already up to date\n`);
}
