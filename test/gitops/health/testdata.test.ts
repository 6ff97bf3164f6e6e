/**
 * The health testdata are objects the code really produces: this runs the capture (the controller
 * on the Kubernetes API emulator and the AWS simulator, the estate's render and packages) and
 * checks that every committed testdata file is still what it produces (times, numbers, generated
 * ids and server-assigned identity aside), and that every health_test.yaml expectation holds for
 * the fresh object too. With SWITCHYARD_HEALTH_CAPTURE=write it writes the files that changed
 * (otherwise they stay, with the numbers their health_test.yaml messages quote).
 */
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHealthCustomizations } from '../../../src/gitops/health/customizations.js';
import { healthOf } from '../../../src/gitops/health/index.js';
import { type KubeSide, startKubeSide } from '../../controller/platform.js';
import { captureControllerObjects } from './capture-controller.js';
import { captureEstateObjects } from './capture-estate.js';
import {
  committedTestdata,
  type PlacedCapture,
  place,
  readCommitted,
  stable,
  WRITE_COMMAND,
  writeCapture,
} from './testdata.js';

const WRITE = process.env.SWITCHYARD_HEALTH_CAPTURE === 'write';

let side: KubeSide | undefined;
let captures: PlacedCapture[] = [];

beforeAll(async () => {
  side = await startKubeSide();
  captures = place([...(await captureControllerObjects(side)), ...captureEstateObjects()]);
  if (WRITE) {
    for (const capture of captures) {
      if (!isDeepStrictEqual(stable(readCommitted(capture.path)), stable(capture.object)))
        writeCapture(capture);
    }
  }
}, 180_000);
afterAll(async () => side?.close());

describe('health testdata captured from a run', () => {
  it('every committed testdata file is produced by the capture, and every capture is committed', () => {
    expect(committedTestdata().sort()).toEqual(captures.map((c) => c.path).sort());
  });

  it('each committed object is what the code produces now (times, numbers, ids aside)', () => {
    for (const capture of captures) {
      expect(stable(readCommitted(capture.path)), `${capture.path} is stale: ${WRITE_COMMAND}`).toEqual(
        stable(capture.object),
      );
    }
  });

  it('each health_test.yaml expectation holds for the freshly produced object', () => {
    const fresh = new Map(captures.map((c) => [c.path, c.object]));
    const cases = loadHealthCustomizations().flatMap((customization) =>
      customization.tests.map((test) => ({
        path: `${customization.folder}/${test.inputPath}`,
        expected: test.expected,
      })),
    );
    const ours = cases.filter((c) => fresh.has(c.path));
    expect(ours.length).toBeGreaterThan(0);
    for (const { path, expected } of ours) {
      expect(stable(healthOf(fresh.get(path) as object)), path).toEqual(stable(expected));
    }
  });
});
