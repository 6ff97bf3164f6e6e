import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaCatalog } from '../../src/schema/catalog.js';
import { validateObject } from '../../src/schema/validate.js';
import { type CrdDocument, installCrds, readCrds } from './support/crds.js';
import {
  type DifferentialCase,
  ourKindCorpus,
  providerConfigCorpus,
  providerKindCorpus,
  upstreamExampleCorpus,
} from './support/differential-corpus.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { collectionPath, type KubeApiserver, startKubeApiserver } from './support/kube-apiserver.js';
import { startedForFile } from './support/lifecycle.js';
import { repoRoot, sharedSchemas } from './support/paths.js';

/**
 * Differential test: the project validator (src/schema/validate.ts, Node only) and the full
 * kube-apiserver must give the same verdict, accept or refuse, on every object of the corpus. The
 * apiserver is asked with a dry-run create and fieldValidation=Strict, because the validator
 * reports unknown fields where the apiserver would otherwise silently prune them.
 */

const ourCrds = readCrds(join(repoRoot, 'charts/switchyard/crds')).map(({ crd }) => crd);
const providerCrds = readCrds(join(sharedSchemas, 'provider-aws/namespaced')).map(({ crd }) => crd);
const allCrds = [...ourCrds, ...providerCrds];

const corpus: DifferentialCase[] = [
  ...ourKindCorpus(ourCrds),
  ...providerKindCorpus(),
  ...providerConfigCorpus(),
  ...upstreamExampleCorpus(),
];

/**
 * Cases where the two engines are known to disagree, with the reason. The goal is none; every
 * entry needs a reason a reviewer can check.
 */
const explainedDifferences: Record<string, string> = {};

const apiserver = startedForFile(
  async () => {
    const server = await startKubeApiserver();
    try {
      await installCrds(server, allCrds);
      // NamespaceLifecycle: a dry-run create into a missing namespace is refused before validation.
      for (const namespace of corpusNamespaces()) {
        const created = await server.request('POST', '/api/v1/namespaces', { metadata: { name: namespace } });
        if (created.status !== 201 && created.status !== 409)
          throw new Error(`namespace ${namespace}: HTTP ${created.status} ${JSON.stringify(created.body)}`);
      }
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  },
  (server) => server.stop(),
);
showLogsOnFailure(() => [apiserver.peek()?.process]);

/** The namespaces the corpus's namespaced objects name (a string; a malformed value is a case, not a namespace). */
function corpusNamespaces(): string[] {
  const names = corpus.map(
    (testCase) => (testCase.object.metadata as { namespace?: unknown } | undefined)?.namespace,
  );
  return [
    ...new Set(
      names.filter(
        (name): name is string => typeof name === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name),
      ),
    ),
  ];
}

interface Verdict {
  accepted: boolean;
  detail: string;
}

function validatorVerdict(catalog: SchemaCatalog, object: Record<string, unknown>): Verdict {
  const problems = validateObject(catalog, object);
  return {
    accepted: problems.length === 0,
    detail: problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '),
  };
}

async function apiserverVerdict(api: KubeApiserver, object: Record<string, unknown>): Promise<Verdict> {
  const [group = '', version = ''] = String(object.apiVersion).split('/');
  const crd = allCrds.find(
    (candidate: CrdDocument) => candidate.spec.group === group && candidate.spec.names.kind === object.kind,
  );
  if (!crd)
    return {
      accepted: false,
      detail: `no CRD installed for ${String(object.apiVersion)} ${String(object.kind)}`,
    };
  const metadata = (object.metadata ?? {}) as { namespace?: string };
  const namespace = crd.spec.scope === 'Namespaced' ? (metadata.namespace ?? 'default') : undefined;
  const path = `${collectionPath(group, version, crd.spec.names.plural, namespace)}?dryRun=All&fieldValidation=Strict`;
  const response = await api.request('POST', path, object);
  const body = response.body as { message?: string };
  return { accepted: response.status === 201, detail: `${response.status} ${body.message ?? ''}` };
}

describe('validator vs real apiserver', () => {
  it('has a corpus of valid and invalid objects of our kinds and provider kinds', () => {
    expect(corpus.filter((testCase) => testCase.expected === 'accept').length).toBeGreaterThan(50);
    expect(corpus.filter((testCase) => testCase.expected === 'refuse').length).toBeGreaterThan(100);
    const kinds = new Set(corpus.map((testCase) => String(testCase.object.kind)));
    for (const kind of ['Failover', 'FailoverPlan', 'RegionHealth', 'Cluster', 'Record', 'HealthCheck'])
      expect(kinds).toContain(kind);
  });

  it('agrees with the apiserver on every object (accept/refuse)', async () => {
    const server = apiserver.get();
    const catalog = SchemaCatalog.load();
    const mismatches: string[] = [];
    const unexpected: string[] = [];
    let agreed = 0;
    for (const testCase of corpus) {
      const fromValidator = validatorVerdict(catalog, testCase.object);
      const fromApiserver = await apiserverVerdict(server, testCase.object);
      if (fromValidator.accepted === fromApiserver.accepted) {
        agreed++;
        const verdict = fromApiserver.accepted ? 'accept' : 'refuse';
        if (verdict !== testCase.expected)
          unexpected.push(`${testCase.name}: both ${verdict} (${fromApiserver.detail})`);
        continue;
      }
      const explained = explainedDifferences[testCase.name];
      mismatches.push(
        `${testCase.name}${explained ? ` [explained: ${explained}]` : ''}\n` +
          `    validator: ${fromValidator.accepted ? 'accept' : `refuse (${fromValidator.detail})`}\n` +
          `    apiserver: ${fromApiserver.accepted ? 'accept' : `refuse (${fromApiserver.detail})`}`,
      );
    }
    process.stdout.write(`\nvalidator/apiserver agreement: ${agreed}/${corpus.length}\n`);
    if (mismatches.length > 0) process.stdout.write(`disagreements:\n  ${mismatches.join('\n  ')}\n`);
    if (unexpected.length > 0)
      process.stdout.write(`both engines differ from the corpus intent:\n  ${unexpected.join('\n  ')}\n`);

    const unexplained = mismatches.filter((line) => !line.includes('[explained:'));
    expect(unexplained).toEqual([]);
    expect(unexpected).toEqual([]);
  });
});
