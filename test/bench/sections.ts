/**
 * The sections of `npm run bench`, in the order they run: the light ones first, then those that
 * start servers and load the cores (they would disturb the figures before them).
 */
import { SchemaCatalog } from '../../src/schema/catalog.js';
import { finish, machineAtStart } from '../support/machine.js';
import { measureController } from './controller.js';
import { estateSection, measureEstate } from './estate.js';
import { failedSection, type Section } from './figures.js';
import { kubeSection, measureKube } from './kube.js';
import { measurePlatform } from './platform.js';
import { type BenchReport, renderText } from './report.js';
import { measureRto } from './rto.js';
import { measureValidator } from './validator.js';

export interface BenchSection {
  id: string;
  title: string;
  run(context: { catalog?: SchemaCatalog }): Promise<Section>;
}

export const SECTIONS: BenchSection[] = [
  {
    id: 'validator',
    title: 'Validator',
    async run(context) {
      const result = measureValidator();
      context.catalog = result.catalog;
      if (result.invalid > 0)
        throw new Error(`${result.invalid} of the generated manifests are invalid; the mix should be valid`);
      return result.section;
    },
  },
  {
    id: 'estate',
    title: 'Estate',
    run: async (context) => estateSection(measureEstate(context.catalog ?? SchemaCatalog.load())),
  },
  { id: 'kube', title: 'Kubernetes API', run: async () => kubeSection(await measureKube()) },
  { id: 'controller', title: 'Failover controller', run: () => measureController() },
  { id: 'rto', title: 'Modelled RTO', run: () => measureRto() },
  { id: 'platform', title: 'npm start and GitOps', run: () => measurePlatform() },
];

/** Runs `sections` in order; a section that throws is reported as not measured, with why. */
export async function runSections(sections: readonly BenchSection[]): Promise<BenchReport> {
  const started = performance.now();
  const date = new Date().toISOString();
  const machine = machineAtStart();
  const context: { catalog?: SchemaCatalog } = {};
  const results: Section[] = [];
  for (const section of sections) {
    const begin = performance.now();
    let result: Section;
    try {
      result = await section.run(context);
    } catch (error) {
      result = failedSection(section.id, section.title, error);
    }
    const seconds = Math.round((performance.now() - begin) / 1000);
    results.push({ ...result, seconds });
    process.stderr.write(`bench: ${section.id} took ${seconds} s\n`);
  }
  return {
    date,
    durationSeconds: Math.round((performance.now() - started) / 1000),
    machine: finish(machine),
    sections: results,
  };
}

/** Runs only the named sections and prints them (nothing is written: the results files hold whole runs). */
export async function runSectionsAlone(ids: readonly string[]): Promise<void> {
  const unknown = ids.filter((id) => !SECTIONS.some((section) => section.id === id));
  if (unknown.length > 0)
    throw new Error(
      `no bench section ${unknown.join(', ')}; there are ${SECTIONS.map((s) => s.id).join(', ')}`,
    );
  const report = await runSections(SECTIONS.filter((section) => ids.includes(section.id)));
  process.stdout.write(renderText(report));
}
