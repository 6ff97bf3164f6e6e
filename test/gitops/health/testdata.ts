/**
 * Where captured objects go (the testdata folder of the customization Argo CD would run for them)
 * and how a capture is compared with the committed file: times, numbers, generated ids and
 * server-assigned identity change from run to run, everything else must be what the code produces now.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { customizationFolders, HEALTH_DIR } from '../../../src/gitops/health/customizations.js';
import { overrideKeyFor } from '../../../src/gitops/health/script-for.js';
import type { Capture } from './capture-controller.js';

export interface PlacedCapture extends Capture {
  /** e.g. `failover.switchyard.dev/Failover/testdata/running.yaml`, relative to the health folder. */
  path: string;
}

export const WRITE_COMMAND =
  'SWITCHYARD_HEALTH_CAPTURE=write npx vitest run test/gitops/health/testdata.test.ts';
const HEADER = `# Captured from a run by test/gitops/health (do not edit); refresh: ${WRITE_COMMAND}\n`;

export function place(captures: readonly Capture[], root = HEALTH_DIR): PlacedCapture[] {
  const folders = customizationFolders(root);
  const keys = folders.map((f) => f.key);
  const placed = captures.map((capture) => {
    const key = overrideKeyFor(keys, capture.object);
    const folder = folders.find((f) => f.key === key)?.folder;
    if (!folder)
      throw new Error(`no health customization for captured ${String(capture.object.kind)} ${capture.name}`);
    return { ...capture, path: `${folder}/testdata/${capture.name}.yaml` };
  });
  const paths = placed.map((p) => p.path);
  const twice = paths.find((path, index) => paths.indexOf(path) !== index);
  if (twice) throw new Error(`two captures would both be written to ${twice}`);
  return placed;
}

export function writeCapture(capture: PlacedCapture, root = HEALTH_DIR): void {
  writeFileSync(join(root, capture.path), `${HEADER}${stringify(capture.object)}`);
}

export function readCommitted(path: string, root = HEALTH_DIR): unknown {
  const file = join(root, path);
  return existsSync(file) ? parseYaml(readFileSync(file, 'utf8')) : undefined;
}

/** Every committed testdata file, relative to the health folder. */
export function committedTestdata(root = HEALTH_DIR): string[] {
  return customizationFolders(root).flatMap(({ folder }) => {
    const dir = join(root, folder, 'testdata');
    return existsSync(dir) ? readdirSync(dir).map((file) => `${folder}/testdata/${file}`) : [];
  });
}

const TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;
/** A number standing alone in text (`20 ms`, `:41235/`), not one inside a name (`us-east-1`, `use1`). */
const STANDALONE_NUMBER = /(?<![\w-])\d+(\.\d+)?(?![\w-])/g;
/** A generated hexadecimal id (`cluster-3c401be1ed7e` in an Aurora endpoint). */
const GENERATED_ID = /\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/g;
const SERVER_ASSIGNED = new Set(['uid', 'resourceVersion', 'creationTimestamp']);

/** The value with what varies between runs replaced by placeholders. */
export function stable(value: unknown, key = ''): unknown {
  if (SERVER_ASSIGNED.has(key)) return '<server>';
  // A step's note says what it found, which differs when a conflicting status write made the
  // controller decide the step again (an idempotent re-run reads "already at 6", not "1 → 6").
  if (key === 'journal' && Array.isArray(value)) {
    return value.map((entry) => stable({ ...(entry as object), message: '<step note>' }));
  }
  if (typeof value === 'number') return '<n>';
  if (typeof value === 'string') {
    return value.replace(TIMESTAMP, '<time>').replace(GENERATED_ID, '<id>').replace(STANDALONE_NUMBER, '<n>');
  }
  if (Array.isArray(value)) return value.map((item) => stable(item));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stable(v, k)]));
  }
  return value;
}
