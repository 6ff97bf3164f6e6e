/**
 * `npm run bench`: every section (sections.ts), printed, then written to bench/results/latest.json
 * and latest.md and into the README's table (results.ts). `npm run bench -- --only rto,controller`
 * runs and prints only those sections and writes nothing.
 */
import { parseArgs } from 'node:util';
import { renderText } from './report.js';
import { writeResults } from './results.js';
import { runSections, runSectionsAlone, SECTIONS } from './sections.js';

const { values } = parseArgs({ options: { only: { type: 'string' } }, strict: true });
if (values.only) {
  await runSectionsAlone(values.only.split(',').map((id) => id.trim()));
} else {
  const report = await runSections(SECTIONS);
  process.stdout.write(renderText(report));
  writeResults(report);
  process.stdout.write('wrote bench/results/latest.json, bench/results/latest.md and the README table\n');
  if (report.sections.some((section) => section.figures.some((figure) => figure.id.endsWith('.failed'))))
    process.exitCode = 1;
}
