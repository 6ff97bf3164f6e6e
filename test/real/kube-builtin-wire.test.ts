/**
 * Built-in kinds against the full kube-apiserver v1.36.3 (ADR 0019), npm run test:real:
 *
 * - the built-in wire suite (test/wire/kube/builtin.suite.ts; the emulator runs it in npm test);
 * - the bad-input differential of issue 20: every manifest of the corpus (bad-manifests.ts) created on
 *   both servers, the verdicts compared (status, reason, fields named, nothing stored) and the bodies
 *   too, agreement printed as figures; the corpus's valid objects created on both and compared;
 * - the protobuf OpenAPI v2 encoder (local/kube/openapi-protobuf.ts) against the real server's bytes
 *   for the real server's own JSON.
 */
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOpenApiV2 } from '../../local/kube/openapi-protobuf.js';
import { badManifests, collectionPath, goodManifests, isNamespaced } from '../wire/kube/bad-manifests.js';
import { defineBuiltinSuite } from '../wire/kube/builtin.suite.js';
import { normalize } from '../wire/kube/differential.js';
import { installCrds, suiteCrds } from '../wire/kube/fixtures.js';
import { type KubeTarget, startEmulatorTarget, type WireResponse } from '../wire/kube/target.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { startFullKubeTarget } from './support/full-kube-target.js';
import type { KubeApiserver } from './support/kube-apiserver.js';

let apiserver: KubeApiserver | undefined;
let real: KubeTarget | undefined;
let emulator: KubeTarget | undefined;
showLogsOnFailure(() => [apiserver?.process]);

beforeAll(async () => {
  const started = await startFullKubeTarget();
  [real, apiserver] = [started, started.apiserver];
  emulator = await startEmulatorTarget();
  await installCrds(real, suiteCrds());
  await installCrds(emulator, suiteCrds());
});
afterAll(async () => {
  await emulator?.close();
  await real?.close();
});

const targets = (): [KubeTarget, KubeTarget] => {
  if (!real || !emulator) throw new Error('a server did not start (see beforeAll error)');
  return [real, emulator];
};

defineBuiltinSuite(() => targets()[0]);

/** What the issue asks to agree on: refused or not, how, which fields, and whether anything was stored. */
interface Verdict {
  status: number;
  reason: string;
  fields: string[];
  stored: boolean;
}

/** The fields a refusal names: its causes, or the field a decoding error quotes. */
function namedFields(response: WireResponse): string[] {
  const body = response.body as { details?: { causes?: { field?: string }[] }; message?: string };
  const causes = body.details?.causes?.map((cause) => cause.field ?? '') ?? [];
  if (causes.length > 0) return [...new Set(causes)].sort();
  const message = body.message ?? '';
  const named =
    /Go struct field \w+\.([\w.]+) of type/.exec(message)?.[1] ??
    /unknown field "([^"]+)"/.exec(message)?.[1];
  return named ? [named] : [];
}

async function ensureNamespace(target: KubeTarget, name: string): Promise<void> {
  const created = await target.request('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });
  if (created.status !== 201 && created.status !== 409) throw new Error(`namespace ${name}: ${created.text}`);
}

async function verdictOf(
  target: KubeTarget,
  path: string,
  manifest: Record<string, unknown> & { metadata: { name: string } },
): Promise<{ verdict: Verdict; response: WireResponse }> {
  const response = await target.request('POST', path, manifest);
  const body = response.body as { reason?: string };
  const itemPath = `${path.split('?')[0]}/${manifest.metadata.name}`;
  const stored = (await target.request('GET', itemPath)).status === 200;
  return {
    verdict: { status: response.status, reason: body?.reason ?? '', fields: namedFields(response), stored },
    response,
  };
}

describe('emulator vs kube-apiserver on bad input (issue 20 differential)', () => {
  it('refuses every manifest of the corpus as the real apiserver does: same verdict, field named, nothing stored', async () => {
    const cases = badManifests();
    const namespace = 'bad-input';
    for (const target of targets()) await ensureNamespace(target, namespace);
    let verdicts = 0;
    let bodies = 0;
    const differences: string[] = [];
    for (const testCase of cases) {
      const path = `${collectionPath(testCase.manifest, namespace, isNamespaced(testCase.manifest))}${
        testCase.fieldValidation ? `?fieldValidation=${testCase.fieldValidation}` : ''
      }`;
      const [fromReal, fromEmulator] = await Promise.all(
        targets().map((target) => verdictOf(target, path, testCase.manifest)),
      );
      if (!fromReal || !fromEmulator) throw new Error('no answer');
      expect(
        fromReal.verdict.status,
        `${testCase.name}: the real apiserver accepted it`,
      ).toBeGreaterThanOrEqual(400);
      expect(fromReal.verdict.stored, testCase.name).toBe(false);
      if (isDeepStrictEqual(fromReal.verdict, fromEmulator.verdict)) verdicts++;
      else
        differences.push(
          `- ${testCase.name}\n    real:     ${JSON.stringify(fromReal.verdict)}\n    emulator: ${JSON.stringify(fromEmulator.verdict)}`,
        );
      const [realBody, emulatorBody] = [
        normalize(fromReal.response.body, targets()[0]),
        normalize(fromEmulator.response.body, targets()[1]),
      ];
      if (isDeepStrictEqual(realBody, emulatorBody)) bodies++;
      else
        differences.push(
          `- ${testCase.name} (body)\n    real:     ${JSON.stringify(realBody)}\n    emulator: ${JSON.stringify(emulatorBody)}`,
        );
    }
    process.stdout.write(
      `\nbad-input differential: verdicts agree ${verdicts}/${cases.length}, bodies identical ${bodies}/${cases.length}\n`,
    );
    if (differences.length > 0) process.stdout.write(`differences:\n${differences.join('\n')}\n`);
    expect(differences).toEqual([]);
  });

  it('stores the corpus’s valid objects as the real apiserver does (defaults, status, managedFields)', async () => {
    const namespace = 'good-input';
    for (const target of targets()) await ensureNamespace(target, namespace);
    let same = 0;
    const differences: string[] = [];
    const objects = goodManifests();
    for (const manifest of objects) {
      const path = collectionPath(manifest, namespace, isNamespaced(manifest));
      const answers = await Promise.all(targets().map((target) => target.request('POST', path, manifest)));
      const [realBody, emulatorBody] = answers.map((answer, index) =>
        comparableObject(normalize(answer.body, targets()[index] as KubeTarget)),
      );
      expect(answers[0]?.status, answers[0]?.text).toBe(201);
      if (isDeepStrictEqual(realBody, emulatorBody)) same++;
      else
        differences.push(
          `- ${manifest.kind}\n    real:     ${JSON.stringify(realBody)}\n    emulator: ${JSON.stringify(emulatorBody)}`,
        );
    }
    process.stdout.write(`\nvalid objects stored identically: ${same}/${objects.length}\n`);
    if (differences.length > 0) process.stdout.write(`differences:\n${differences.join('\n')}\n`);
    expect(differences).toEqual([]);
  });
});

/** Values each server picks on its own: a Service's cluster IP, a Job's uid-based selector. */
function comparableObject(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value)
      .replace(/"10\.96\.\d+\.\d+"/g, '"<cluster-ip>"')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>'),
  );
}

describe('OpenAPI v2 protobuf (local/kube/openapi-protobuf.ts)', () => {
  it('encodes the real apiserver’s /openapi/v2 JSON into exactly the protobuf it serves', async () => {
    const [server] = targets();
    const json = await server.request('GET', '/openapi/v2', undefined, { accept: 'application/json' });
    const protobuf = await server.request('GET', '/openapi/v2', undefined, {
      accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
    });
    expect(protobuf.headers['content-type']).toBe(
      'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    );
    const encoded = Buffer.from(encodeOpenApiV2(json.body as Record<string, unknown>));
    expect(encoded.length).toBe(protobuf.bytes.length);
    expect(encoded.equals(protobuf.bytes)).toBe(true);
  });
});
