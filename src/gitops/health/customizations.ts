/**
 * The health customizations this project ships, read from their folders in Argo CD's layout
 * (`<group>/<Kind>/{health.lua, health_test.yaml, testdata/}`, `_` standing for `*`, a core kind
 * just `<Kind>/`). Each folder may add `settings.yaml` (`useOpenLibs: true`) for a script that needs
 * the Lua standard libraries. A folder is only loaded whole: a script without test cases, a test
 * without its input, a status Argo CD does not know or Lua newer than 5.1 is refused with the file
 * and field named, so a script nobody tested cannot be shipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describeIssues, issueLines } from '../../apis/issues.js';
import { checkLua51 } from './lua-dialect.js';
import { HEALTH_STATUSES } from './lua-vm.js';

/** This folder: the project's health customizations live beside the code that runs them. */
export const HEALTH_DIR = dirname(fileURLToPath(import.meta.url));

export const HEALTH_SCRIPT = 'health.lua';
export const HEALTH_TESTS = 'health_test.yaml';
export const SETTINGS = 'settings.yaml';

const healthTestFile = z.strictObject({
  tests: z
    .array(
      z.strictObject({
        healthStatus: z.strictObject({
          status: z.enum(HEALTH_STATUSES),
          message: z.string().optional(),
        }),
        inputPath: z
          .string()
          .regex(/^testdata\/[^/]+\.ya?ml$/, 'must name a file in testdata/, e.g. testdata/healthy.yaml'),
      }),
    )
    .min(1)
    .describe('A health script ships only with test cases.'),
});

const settingsFile = z.strictObject({
  useOpenLibs: z
    .boolean()
    .describe(
      'Argo CD opens the Lua standard libraries for this script (resource.customizations.useOpenLibs).',
    ),
});

export type HealthTestFile = z.output<typeof healthTestFile>;

export interface HealthTestCase {
  inputPath: string;
  expected: { status: string; message?: string };
  /** The parsed testdata object. */
  object: unknown;
}

export interface HealthCustomization {
  /** Argo CD's resource override key: `<group>/<Kind>` (or `<Kind>`), `*` where the folder says `_`. */
  key: string;
  /** The folder, relative to the health directory, e.g. `_.upbound.io/_`. */
  folder: string;
  script: string;
  useOpenLibs: boolean;
  tests: HealthTestCase[];
}

export class HealthCustomizationError extends Error {
  override name = 'HealthCustomizationError';
}

/** Every customization under `root` (default: the shipped ones), sorted by folder. */
export function loadHealthCustomizations(root = HEALTH_DIR): HealthCustomization[] {
  return customizationFolders(root).map(({ folder }) => loadFolder(root, folder));
}

/** The customization folders under `root` and their override keys, without reading them. */
export function customizationFolders(root = HEALTH_DIR): { folder: string; key: string }[] {
  return scriptFolders(root)
    .sort()
    .map((folder) => ({ folder, key: overrideKeyOf(folder) }));
}

/** Argo CD's wildcard folders: `_` stands for `*`. */
const overrideKeyOf = (folder: string) => folder.replaceAll('_', '*');

/** Folders (relative, `/`-separated) holding a health.lua, one or two levels deep. */
function scriptFolders(root: string, prefix = '', depth = 0): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'testdata')
    .flatMap((entry) => {
      const folder = prefix ? `${prefix}/${entry.name}` : entry.name;
      const here = existsSync(join(root, folder, HEALTH_SCRIPT)) ? [folder] : [];
      return depth === 0 ? [...here, ...scriptFolders(root, folder, 1)] : here;
    });
}

function loadFolder(root: string, folder: string): HealthCustomization {
  const dir = join(root, folder);
  const shown = (file: string) => relative(process.cwd(), join(dir, file)).split(sep).join('/');
  const script = readFileSync(join(dir, HEALTH_SCRIPT), 'utf8');
  const dialect = checkLua51(script);
  if (dialect) throw new HealthCustomizationError(`${shown(HEALTH_SCRIPT)}: ${dialect}`);
  const testsFile = join(dir, HEALTH_TESTS);
  if (!existsSync(testsFile)) {
    throw new HealthCustomizationError(
      `${shown(HEALTH_TESTS)}: missing; a health script ships only with test cases`,
    );
  }
  const spec = parseWith(healthTestFile, testsFile, shown(HEALTH_TESTS));
  const tests = spec.tests.map((test, index): HealthTestCase => {
    const input = join(dir, test.inputPath);
    if (!existsSync(input)) {
      throw new HealthCustomizationError(
        `${shown(HEALTH_TESTS)}: tests[${index}].inputPath: ${test.inputPath} not found`,
      );
    }
    return {
      inputPath: test.inputPath,
      expected: test.healthStatus,
      object: parseYaml(readFileSync(input, 'utf8')),
    };
  });
  const settingsPath = join(dir, SETTINGS);
  const settings = existsSync(settingsPath)
    ? parseWith(settingsFile, settingsPath, shown(SETTINGS))
    : undefined;
  return {
    key: overrideKeyOf(folder),
    folder,
    script,
    useOpenLibs: settings?.useOpenLibs ?? false,
    tests,
  };
}

function parseWith<T>(schema: z.ZodType<T>, file: string, shown: string): T {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HealthCustomizationError(`${shown}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw new HealthCustomizationError(`${shown}: ${issueLines(describeIssues(result.error)).join('; ')}`);
  }
  return result.data;
}
