/** Generated files: committed copies are fresh, and writing them is deterministic and idempotent. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'cdk8s';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands.js';
import {
  addGeneratedCharts,
  COMPOSITIONS_DIR,
  CRD_DIR,
  findStaleFiles,
  GENERATED_HEADER,
  PACKAGES_FILE,
  renderGeneratedFiles,
  writeGeneratedFiles,
} from '../../src/generate/generated-files.js';
import { memoryIo } from '../support/memory-io.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const render = () => renderGeneratedFiles(addGeneratedCharts(new App()));

const tempDirs: string[] = [];
function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-generate-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('generated files', () => {
  it('are committed and up to date (run `npm run synth` when this fails)', () => {
    expect(findStaleFiles(projectRoot, render())).toEqual([]);
  });

  it('render one CRD file per custom resource, byte-identical on every run', () => {
    const first = render();
    expect(first.map((file) => file.path).filter((path) => path.startsWith(CRD_DIR))).toEqual([
      `${CRD_DIR}/failover.switchyard.dev_failoverplans.yaml`,
      `${CRD_DIR}/failover.switchyard.dev_failovers.yaml`,
      `${CRD_DIR}/failover.switchyard.dev_regionhealths.yaml`,
    ]);
    expect(render()).toEqual(first);
    for (const file of first) {
      // Files derived from an example XR name it in their header instead of src/apis.
      const header = file.path.startsWith('examples/')
        ? '# Generated from examples/estate/trading-platform.yaml by `npm run synth`'
        : GENERATED_HEADER;
      expect(file.content.startsWith(header), file.path).toBe(true);
    }
  });

  it('include the example FailoverPlan and RegionHealth objects, derived from the example TradingPlatform', () => {
    const paths = render().map((file) => file.path);
    expect(paths).toContain('examples/failover/failover-plan.yaml');
    expect(paths).toContain('examples/failover/region-health.yaml');
  });

  it('are written once, then left alone until something changes', () => {
    const root = tempRoot();
    const files = render();
    expect(writeGeneratedFiles(root, files).written).toHaveLength(files.length);
    expect(writeGeneratedFiles(root, files)).toEqual({
      written: [],
      removed: [],
      unchanged: files.map((f) => f.path),
    });

    const [first] = files;
    if (!first) throw new Error('nothing rendered');
    writeFileSync(join(root, first.path), `${first.content}# hand edit\n`);
    expect(findStaleFiles(root, files)).toEqual([`${first.path}: out of date`]);
    expect(writeGeneratedFiles(root, files).written).toEqual([first.path]);
    expect(readFileSync(join(root, first.path), 'utf8')).toBe(first.content);
  });

  it('remove generated files that are no longer produced, but never hand-written ones', () => {
    const root = tempRoot();
    const files = render();
    writeGeneratedFiles(root, files);
    const leftover = `${CRD_DIR}/failover.switchyard.dev_oldthings.yaml`;
    const handWritten = `${CRD_DIR}/vendor_thing.yaml`;
    writeFileSync(join(root, leftover), `${GENERATED_HEADER}kind: Old\n`);
    writeFileSync(join(root, handWritten), 'kind: Vendored\n');
    expect(findStaleFiles(root, files)).toEqual([`${leftover}: no longer generated`]);
    expect(writeGeneratedFiles(root, files).removed).toEqual([leftover]);
    expect(readFileSync(join(root, handWritten), 'utf8')).toBe('kind: Vendored\n');
  });

  it('render the estate: a definition and a composition file per XR API, plus the package manifests', () => {
    const paths = render().map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        `${COMPOSITIONS_DIR}/networks/definition.yaml`,
        `${COMPOSITIONS_DIR}/networks/composition.yaml`,
        PACKAGES_FILE,
      ]),
    );
  });

  it('`switchyard generate --check` exits 0 on this checkout', async () => {
    const io = memoryIo();
    expect(await runCommand(['generate', '--check'], io)).toBe(0);
    expect(io.err()).toBe('');
  });
});
