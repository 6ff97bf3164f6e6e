/**
 * Estate figures for `npm run bench`: how long `npm run synth` takes end to end (cdk8s-cli starting
 * the app, which is `node --import tsx src/synth.ts`), how long the same synthesis takes
 * in-process (without the CLI and Node start-ups), and how many MRs the TradingPlatform example
 * renders to per region (global services counted apart).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { renderFiles } from '../../src/cli/render.js';
import { addGeneratedCharts, renderGeneratedFiles } from '../../src/generate/generated-files.js';
import type { SchemaCatalog } from '../../src/schema/catalog.js';
import { projectRoot } from '../../src/schema/paths.js';
import { atMost, measured, type Section } from './figures.js';

export const SYNTH_GOAL_MS = 3000;

export interface EstateFigures {
  /** Wall time of `npm run synth` (the goal applies to this one). */
  synthCommandMs: number;
  /** The same files rendered in this process. */
  synthMs: number;
  files: number;
  renderMs: number;
  mrsByRegion: Record<string, number>;
  globalMrs: number;
}

/** `npm run synth` as a user runs it; it rewrites nothing when the committed files are fresh. */
function timeSynthCommand(): number {
  const start = performance.now();
  execFileSync('npm', ['run', '--silent', 'synth'], { cwd: projectRoot(), stdio: 'ignore' });
  return performance.now() - start;
}

export function measureEstate(catalog: SchemaCatalog): EstateFigures {
  const synthCommandMs = timeSynthCommand();
  // Fresh module state is not possible in-process; the APIs are built at import, so time both.
  const synthStart = performance.now();
  const files = renderGeneratedFiles(addGeneratedCharts(new App({ outdir: join(projectRoot(), 'dist') })));
  const synthMs = performance.now() - synthStart;

  const renderStart = performance.now();
  const { documents } = renderFiles({
    xrFile: join(projectRoot(), 'examples/estate/trading-platform.yaml'),
    recursive: true,
    catalog,
  });
  const renderMs = performance.now() - renderStart;
  const mrsByRegion: Record<string, number> = {};
  let globalMrs = 0;
  for (const document of documents.filter((object) => object.apiVersion.includes('.aws.m.upbound.io/'))) {
    const region = (document.spec?.forProvider as { region?: string } | undefined)?.region;
    if (region) mrsByRegion[region] = (mrsByRegion[region] ?? 0) + 1;
    else globalMrs++;
  }
  return { synthCommandMs, synthMs, files: files.length, renderMs, mrsByRegion, globalMrs };
}

export function estateSection(figures: EstateFigures): Section {
  const perRegion = Object.entries(figures.mrsByRegion)
    .sort()
    .map(([region, count]) => `${region} ${count}`)
    .join(', ');
  return {
    id: 'estate',
    title: 'Estate',
    setup:
      '`npm run synth` as a user runs it (cdk8s-cli starting `node --import tsx src/synth.ts`; it rewrites nothing when the committed files are fresh), the same synthesis in-process, and `switchyard render --recursive` of the example TradingPlatform.',
    figures: [
      measured('estate.synth', '`npm run synth`', figures.synthCommandMs, 'ms', {
        goal: atMost(SYNTH_GOAL_MS),
      }),
      measured(
        'estate.synth-in-process',
        `synthesis in-process (${figures.files} generated files)`,
        figures.synthMs,
        'ms',
      ),
      measured('estate.render', 'render --recursive trading-platform', figures.renderMs, 'ms', {
        note: `MRs per region: ${perRegion}; global (Route 53/IAM): ${figures.globalMrs}`,
      }),
    ],
  };
}
