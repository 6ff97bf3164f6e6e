/**
 * Bad health customizations never ship: a folder that is incomplete or says something Argo CD does
 * not accept is refused when loaded, naming the file and field; a script that errors, returns an
 * invalid status or is not the one Argo CD would run for its testdata fails its test cases.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  HealthCustomizationError,
  loadHealthCustomizations,
} from '../../../src/gitops/health/customizations.js';
import { runHealthTests } from '../../../src/gitops/health/health-tests.js';

let roots: string[] = [];
afterEach(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  roots = [];
});

const OBJECT = { apiVersion: 'example.test/v1', kind: 'Widget', metadata: { name: 'w' } };

/** A customization tree in a temporary folder; files default to a valid Widget customization. */
function tree(files: Record<string, string | undefined>): string {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-health-'));
  roots.push(root);
  const all: Record<string, string | undefined> = {
    'example.test/Widget/health.lua': 'return { status = "Healthy", message = "fine" }',
    'example.test/Widget/health_test.yaml': stringify({
      tests: [{ healthStatus: { status: 'Healthy', message: 'fine' }, inputPath: 'testdata/widget.yaml' }],
    }),
    'example.test/Widget/testdata/widget.yaml': stringify(OBJECT),
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    if (content === undefined) continue;
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const loadError = (root: string) => {
  try {
    loadHealthCustomizations(root);
  } catch (error) {
    expect(error).toBeInstanceOf(HealthCustomizationError);
    return (error as Error).message;
  }
  throw new Error('the customizations loaded');
};

describe('a customization folder that cannot ship', () => {
  it('loads when complete (the fixture itself is valid)', () => {
    expect(runHealthTests(loadHealthCustomizations(tree({})))).toEqual([
      {
        name: 'example.test/Widget/testdata/widget.yaml',
        expected: { status: 'Healthy', message: 'fine' },
        actual: { status: 'Healthy', message: 'fine' },
      },
    ]);
  });

  it('no health_test.yaml', () => {
    expect(loadError(tree({ 'example.test/Widget/health_test.yaml': undefined }))).toMatch(
      /example\.test\/Widget\/health_test\.yaml: missing; a health script ships only with test cases$/,
    );
  });

  it('no test case', () => {
    expect(loadError(tree({ 'example.test/Widget/health_test.yaml': 'tests: []\n' }))).toMatch(
      /health_test\.yaml: tests: must have at least 1 items$/,
    );
  });

  it('an expected status Argo CD does not know', () => {
    const tests = stringify({
      tests: [{ healthStatus: { status: 'Fine' }, inputPath: 'testdata/widget.yaml' }],
    });
    expect(loadError(tree({ 'example.test/Widget/health_test.yaml': tests }))).toMatch(
      /health_test\.yaml: tests\[0\]\.healthStatus\.status: must be one of "Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"$/,
    );
  });

  it('a test input that does not exist', () => {
    const tests = stringify({
      tests: [{ healthStatus: { status: 'Healthy' }, inputPath: 'testdata/gone.yaml' }],
    });
    expect(loadError(tree({ 'example.test/Widget/health_test.yaml': tests }))).toMatch(
      /health_test\.yaml: tests\[0\]\.inputPath: testdata\/gone\.yaml not found$/,
    );
  });

  it('Lua newer than 5.1, which Argo CD cannot parse', () => {
    expect(
      loadError(
        tree({ 'example.test/Widget/health.lua': 'local half = 3 // 2\nreturn { status = "Healthy" }' }),
      ),
    ).toMatch(
      /example\.test\/Widget\/health\.lua: <string>:1: Lua 5\.1 \(Argo CD's gopher-lua\) has no '\/\/'$/,
    );
  });

  it('a settings.yaml with an unknown field', () => {
    expect(loadError(tree({ 'example.test/Widget/settings.yaml': 'useOpenLib: true\n' }))).toMatch(
      /settings\.yaml: useOpenLibs: required; useOpenLib: unknown field$/,
    );
  });
});

describe('a script its own test cases catch', () => {
  const problemOf = (script: string) =>
    runHealthTests(loadHealthCustomizations(tree({ 'example.test/Widget/health.lua': script })))[0]?.problem;

  it('one that errors', () => {
    expect(problemOf('return { status = obj.status.phase }')).toMatch(
      /^the script failed: <string>:1: attempt to index a nil value/,
    );
  });

  it('one that returns an invalid status', () => {
    expect(problemOf('return { status = "Fine", message = "fine" }')).toBe(
      'got {"status":"Unknown","message":"Lua returned an invalid health status"}, expected {"status":"Healthy","message":"fine"}',
    );
  });

  it('one that returns no health', () => {
    expect(problemOf('return {}')).toBe('got {}, expected {"status":"Healthy","message":"fine"}');
  });

  it('testdata filed under a script Argo CD would not run for it', () => {
    const root = tree({
      'example.test/_/health.lua': 'return { status = "Degraded" }',
      'example.test/_/health_test.yaml': stringify({
        tests: [{ healthStatus: { status: 'Degraded' }, inputPath: 'testdata/widget.yaml' }],
      }),
      'example.test/_/testdata/widget.yaml': stringify(OBJECT),
    });
    const problems = runHealthTests(loadHealthCustomizations(root)).map((r) => r.problem);
    expect(problems).toEqual([
      undefined,
      'Argo CD runs the example.test/Widget script for this object, not example.test/*',
    ]);
  });
});
