/**
 * `publish` from the checkout to a local bare repository with the real git (src/gitops/publish.ts):
 * what it pushes is the layout, twice is one commit, the message names the source commit and the
 * changes per cluster, and bad input (an invalid manifest, an XR the layout refuses, an unreachable
 * remote, two platforms) is a clear error with nothing pushed and nothing written.
 *
 * The documents are checked by `knownKindsValidator` (support.ts), the one validator on every kind
 * it knows; the full validator refuses Kubernetes' built-in kinds until issue 15 item 6 lands, and
 * test/unit/cli/publish.test.ts runs the command with it then.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each publish validates ~140 documents and runs git a dozen times: slow on a loaded 2-core machine.
const PUBLISH_TIMEOUT = 90_000;

import { stringify } from 'yaml';
import { environmentsTree, fileText } from '../../../src/gitops/layout.js';
import { type PublishOptions, publish, sourceRevision } from '../../../src/gitops/publish.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import {
  bareRepo,
  commitsOf,
  examplePlatform,
  examplePlatformFile,
  filesOf,
  git,
  knownKindsValidator,
  platformFileWith,
  root,
  scratch,
} from './support.js';

let work: ReturnType<typeof scratch>;
let catalog: SchemaCatalog;
beforeAll(() => {
  work = scratch('publish');
  catalog = SchemaCatalog.load();
});
afterAll(() => work.cleanup());

let repositories = 0;
const newRemote = () => bareRepo(work.dir, `environments-${++repositories}.git`);

const run = (remote: string, extra: Partial<PublishOptions> = {}) =>
  publish({
    root,
    inputs: [examplePlatformFile],
    remote,
    branch: 'main',
    health: {},
    validate: knownKindsValidator(catalog).validate,
    ...extra,
  });

describe('publish', { timeout: PUBLISH_TIMEOUT }, () => {
  it('pushes the layout once; a second run makes no commit', async () => {
    const remote = newRemote();
    const first = await run(remote);
    const expected = environmentsTree({
      root,
      platform: examplePlatform(),
      repoURL: remote,
      branch: 'main',
      health: {},
    });
    expect(first.changed).toBe(true);
    expect(filesOf(remote)).toEqual(expected.map((file) => file.path).sort());
    for (const file of expected.slice(0, 5))
      expect(git(remote, 'show', `main:${file.path}`)).toBe(fileText(file));

    const second = await run(remote);
    expect(second).toMatchObject({ changed: false, commit: first.commit });
    expect(commitsOf(remote)).toEqual([first.commit]);
  });

  it('names the source commit and what changed per cluster in the commit message', async () => {
    const remote = newRemote();
    const { commit } = await run(remote);
    const source = await sourceRevision(root);
    const message = git(remote, 'log', '-1', '--format=%B', commit);
    expect(message).toContain(`Source: ${source.commit}`);
    expect(message).toMatch(/^clusters\/us-east-1: \d+ added, 0 changed, 0 removed$/m);
    expect(message).toMatch(/^clusters\/us-east-2: \d+ added, 0 changed, 0 removed$/m);
    expect(message).toContain('  A clusters/us-east-2/platforms/trading/trading-platform.yaml');

    // A change to the platform: only the files it reaches change, each listed under its cluster.
    const moved = platformFileWith(work.dir, 'domain', (xr) => {
      xr.spec.domainName = 'markets.trading.example.com';
    });
    const next = await run(remote, { inputs: [moved] });
    expect(next.changed).toBe(true);
    const changed = git(remote, 'log', '-1', '--format=%B', next.commit);
    // The derived plan names the DNS (traffic.dns) and the RegionHealth probes its regional names.
    expect(changed).toMatch(/^clusters\/us-east-1: 0 added, 2 changed, 0 removed$/m);
    expect(changed).toContain('  M clusters/us-east-1/platforms/trading/region-health.yaml');
    expect(changed).toContain('  M clusters/us-east-1/platforms/trading/failover-plan.yaml');
    expect(changed).toMatch(/^clusters\/us-east-2: 0 added, 3 changed, 0 removed$/m);
    expect(changed).toContain('  M clusters/us-east-2/platforms/trading/trading-platform.yaml');
  });

  it('refuses an invalid manifest, naming the file and field, with nothing pushed and no --dir written', async () => {
    const remote = newRemote();
    const dir = join(work.dir, 'never-cloned');
    const badName = platformFileWith(work.dir, 'bad-name', (xr) => {
      xr.metadata.name = 'Trading_Platform';
    });
    await expect(run(remote, { inputs: [badName], dir })).rejects.toThrow(
      /^clusters\/us-east-2\/platforms\/trading\/trading-platform\.yaml:0 TradingPlatform\/Trading_Platform metadata\.name: .*\nclusters\/us-east-2\/platforms\/trading\/trading-platform\.yaml is not valid: nothing was published$/,
    );
    expect(commitsOf(remote)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses an XR the layout cannot use, naming its file and field', async () => {
    const remote = newRemote();
    const file = platformFileWith(work.dir, 'service-account', (xr) => {
      xr.spec.controller = { serviceAccount: { namespace: 'ops', name: 'failover' } };
    });
    await expect(run(remote, { inputs: [file] })).rejects.toThrow(
      new RegExp(
        `^${file}: spec\\.controller\\.serviceAccount\\.name: must be <release>-controller.*nothing was published$`,
      ),
    );
    expect(commitsOf(remote)).toEqual([]);
  });

  it('refuses an unreachable remote with nothing written', async () => {
    const missing = join(work.dir, 'gone.git');
    const dir = join(work.dir, 'copy-of-gone');
    await expect(run(missing, { dir })).rejects.toThrow(/cannot reach .*gone\.git: .*nothing was published/);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('publishes one platform: two TradingPlatform XRs, or none, are refused naming where it looked', async () => {
    const remote = newRemote();
    const two = join(work.dir, 'two.yaml');
    const other = { ...examplePlatform(), metadata: { name: 'markets', namespace: 'markets' } };
    writeFileSync(two, `${stringify(examplePlatform())}---\n${stringify(other)}`);
    await expect(run(remote, { inputs: [two] })).rejects.toThrow(
      /2 TradingPlatform XRs \(trading in .*two\.yaml, markets in .*two\.yaml\): an environments repository holds one platform/,
    );
    await expect(run(remote, { inputs: [join(root, 'examples', 'failover')] })).rejects.toThrow(
      /no TradingPlatform XR \(platform\.switchyard\.dev\/v1alpha1\) in .*examples\/failover/,
    );
    expect(commitsOf(remote)).toEqual([]);
  });
});
