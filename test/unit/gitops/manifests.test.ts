import { afterAll, describe, expect, it } from 'vitest';
import { type ApplicationSelector, readCommit } from '../../../local/gitops/manifests.js';
import { GitRepo } from '../../../local/gitops/repo.js';
import { EnvRepo } from '../../wire/gitops/env-repo.js';
import { application, regionHealth, SYNC_OPTIONS, SYNC_WAVE } from '../../wire/gitops/fixtures.js';

const repos: EnvRepo[] = [];
afterAll(() => {
  for (const repo of repos) repo.close();
});

const PATH = 'clusters/us-east-1';
const APP = 'trading-us-east-1';

/** A repository whose folder holds the Application and `files`; returns the reading of its head. */
async function read(
  files: Record<string, readonly object[] | string>,
  selector: ApplicationSelector = { name: APP },
  branch = 'main',
) {
  const repo = new EnvRepo();
  repos.push(repo);
  repo.write(`${PATH}/argocd/application.yaml`, [
    application({ name: APP, path: PATH, namespace: 'trading' }),
  ]);
  for (const [path, content] of Object.entries(files)) repo.write(path, content);
  const revision = repo.commit('test');
  return readCommit(new GitRepo(repo.dir), revision, selector, branch);
}

const problemsOf = async (...args: Parameters<typeof read>) => {
  const reading = await read(...args);
  return reading.ok ? [] : reading.problems;
};

describe('reading a commit (accepted whole or refused whole)', () => {
  it('accepts the folder’s manifests, recursively, and finds the Application by name or by region', async () => {
    const files = {
      [`${PATH}/health/a.yaml`]: [regionHealth('a', 0), regionHealth('b', 1)],
      'elsewhere/c.yaml': [regionHealth('c', 0)],
    };
    for (const selector of [{ name: APP }, { region: 'us-east-1' }]) {
      const reading = await read(files, selector);
      if (!reading.ok) throw new Error(JSON.stringify(reading.problems));
      expect(reading.desired.application.name).toBe(APP);
      expect(reading.desired.manifests.map((m) => `${m.file}:${m.documentIndex}`)).toEqual([
        `${PATH}/argocd/application.yaml:0`,
        `${PATH}/health/a.yaml:0`,
        `${PATH}/health/a.yaml:1`,
      ]);
    }
  });

  it('names file, document and field of every problem, from the validator and from the stand-in’s own rules', async () => {
    const badWave = regionHealth('wave', 0, { annotations: { [SYNC_WAVE]: 'first' } });
    const hook = regionHealth('hook', 0, { annotations: { 'argocd.argoproj.io/hook': 'PreSync' } });
    const replace = regionHealth('replace', 0, { annotations: { [SYNC_OPTIONS]: 'Replace=true' } });
    const problems = await problemsOf({
      [`${PATH}/a.yaml`]: [
        regionHealth('ok', 0),
        { ...regionHealth('typo', 0), spec: { ...regionHealth('typo', 0).spec, region: 'mars-1' } },
      ],
      [`${PATH}/b.yaml`]: [badWave, hook, replace],
      [`${PATH}/c.yaml`]: [regionHealth('ok', 0)],
      [`${PATH}/d.yaml`]: 'kind: [unclosed\n',
    });
    const lines = problems.map((p) => `${p.file}:${p.documentIndex} ${p.name} ${p.path}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        `${PATH}/a.yaml:1 typo spec.region`,
        `${PATH}/b.yaml:0 wave metadata.annotations["${SYNC_WAVE}"]`,
        `${PATH}/b.yaml:1 hook metadata.annotations["argocd.argoproj.io/hook"]`,
        `${PATH}/b.yaml:2 replace metadata.annotations["${SYNC_OPTIONS}"]`,
        `${PATH}/c.yaml:0 ok `,
        `${PATH}/d.yaml:0  `,
      ]),
    );
    expect(problems.find((p) => p.name === 'ok')?.message).toBe(
      `RegionHealth/ok is also defined in ${PATH}/a.yaml:0`,
    );
    expect(problems.find((p) => p.name === 'replace')?.message).toMatch(
      /"Replace=true" is not implemented by the stand-in/,
    );
  });

  it('refuses what Argo CD would render with a tool the stand-in lacks, a wrong branch and a missing folder', async () => {
    expect(await problemsOf({ [`${PATH}/kustomization.yaml`]: 'resources: []\n' })).toEqual([
      expect.objectContaining({
        file: `${PATH}/kustomization.yaml`,
        message: expect.stringMatching(/Kustomize and Helm/),
      }),
    ]);
    expect(await problemsOf({}, { name: APP }, 'release')).toEqual([
      expect.objectContaining({
        path: 'spec.source.targetRevision',
        message: expect.stringMatching(/branch "release"/),
      }),
    ]);
    expect(await problemsOf({}, { name: 'nope' })).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /Application "nope" is not in commit .* \(Applications found: trading-us-east-1\)/,
        ),
      }),
    ]);
  });
});
