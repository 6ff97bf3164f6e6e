import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../../../local/kube/index.js';
import { StateDirError } from '../../../local/state-dir.js';
import { startFromArgs } from '../../../src/cli/kube.js';
import { memoryIo } from '../../support/memory-io.js';
import { sendRequest } from './target.js';

/** The emulator's objects.json: its layout version, the older layout, and bad files refused at start. */

let dir: string;
const file = () => join(dir, 'objects.json');
const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-kube-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(stateDir = dir): Promise<StateDirError> {
  let caught: unknown;
  let started: KubeEmulator | undefined;
  try {
    started = await startKubeEmulator({ stateDir });
  } catch (error) {
    caught = error;
  }
  await started?.close();
  expect(caught).toBeInstanceOf(StateDirError);
  return caught as StateDirError;
}

/** A state dir holding one ConfigMap, written by a real emulator; returns the file's text. */
async function stateWithConfigMap(): Promise<string> {
  const kube = await startKubeEmulator({ stateDir: dir });
  const created = await sendRequest(kube.url, 'POST', CONFIGMAPS, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kept' },
    data: { writer: 'us-east-2' },
  });
  expect(created.status).toBe(201);
  await kube.close();
  return readFileSync(file(), 'utf8');
}

describe('emulator state dir', () => {
  it('writes a layout version, and reads the unversioned layout 1, rewriting it with the version', async () => {
    const written = JSON.parse(await stateWithConfigMap()) as Record<string, unknown>;
    expect(written.version).toBe(2);
    const { version: _dropped, ...layout1 } = written;
    writeFileSync(file(), JSON.stringify(layout1));

    const kube = await startKubeEmulator({ stateDir: dir });
    try {
      const got = await sendRequest(kube.url, 'GET', `${CONFIGMAPS}/kept`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ data: { writer: 'us-east-2' } });
      expect((JSON.parse(readFileSync(file(), 'utf8')) as { version: number }).version).toBe(2);
    } finally {
      await kube.close();
    }
  });

  it('refuses a corrupt file with its name and what to do, and leaves it as it was', async () => {
    const text = (await stateWithConfigMap()).slice(0, 40);
    writeFileSync(file(), text);
    const error = await refusal();
    expect(error.message).toContain(`${file()}: is not valid JSON`);
    expect(error.message).toContain('move it away or start with an empty --state-dir');
    expect(readFileSync(file(), 'utf8')).toBe(text);
  });

  it('refuses an unknown layout version and a file that does not match the layout', async () => {
    const written = JSON.parse(await stateWithConfigMap()) as Record<string, unknown>;
    const newer = JSON.stringify({ ...written, version: 9 });
    writeFileSync(file(), newer);
    expect((await refusal()).message).toContain('has layout version 9, this build reads version 2');
    expect(readFileSync(file(), 'utf8')).toBe(newer);
    writeFileSync(file(), JSON.stringify({ ...written, revision: 'seven' }));
    expect((await refusal()).message).toContain('does not match the objects.json layout 2: revision:');
    writeFileSync(file(), '[]');
    expect((await refusal()).message).toContain('is not an object store snapshot');
  });

  it('refuses a state dir that cannot be created or written', async () => {
    expect((await refusal('/proc/switchyard-kube')).message).toContain('cannot be created as a state dir');
    writeFileSync(join(dir, 'plain-file'), 'x');
    expect((await refusal(join(dir, 'plain-file'))).message).toContain('a file is in the way');
  });

  it('a write that fails keeps the previous file whole', async () => {
    const text = await stateWithConfigMap();
    mkdirSync(`${file()}.tmp`);
    expect((await refusal()).message).toContain('could not be written, the previous file is kept');
    expect(readFileSync(file(), 'utf8')).toBe(text);
  });

  it('switchyard kube: a bad state dir or file is one line on stderr and exit 1, never a spin', async () => {
    const proc = memoryIo();
    expect(await startFromArgs(['--state-dir', '/proc/switchyard-kube'], proc)).toBe(1);
    expect(proc.err()).toMatch(/^switchyard kube: \/proc\/switchyard-kube: cannot be created as a state dir/);
    writeFileSync(file(), '{"revision":');
    const corrupt = memoryIo();
    expect(await startFromArgs(['--state-dir', dir], corrupt)).toBe(1);
    expect(corrupt.err().trim().split('\n')).toEqual([
      expect.stringContaining(`switchyard kube: ${file()}: is not valid JSON`),
    ]);
  });
});
