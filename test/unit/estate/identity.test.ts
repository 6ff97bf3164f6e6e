/**
 * Each estate API's kind and plural are declared once (src/estate/<api>/identity.ts); the check
 * finds APIs that clash and Compositions that disagree with their XRD, and generation refuses
 * them before anything is written.
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import type { EstateApi } from '../../../src/estate/api.js';
import { databaseApi } from '../../../src/estate/database/index.js';
import { estateIdentity } from '../../../src/estate/identity.js';
import { identityProblems } from '../../../src/estate/identity-check.js';
import { estateApis } from '../../../src/estate/index.js';
import { networkApi } from '../../../src/estate/network/index.js';
import { tradingPlatformApi } from '../../../src/estate/trading-platform/index.js';
import { addGeneratedCharts } from '../../../src/generate/generated-files.js';

/** `api` under another identity, keeping its XRD and Compositions (what a copy-paste slip makes). */
const renamed = (api: EstateApi, kind: string, plural: string): EstateApi => ({
  ...api,
  ...estateIdentity({ kind, plural }),
});

describe('estate API identities', () => {
  it('agree: distinct names, every Composition for its own XRD, composed XRs of declared kinds', () => {
    expect(identityProblems(estateApis)).toEqual([]);
  });

  it('derive the XRD names, Composition names and compositeTypeRefs from one declaration', () => {
    for (const api of estateApis) {
      const { group, names, versions } = api.definition.spec;
      expect(names, api.kind).toMatchObject({ kind: api.kind, plural: api.plural });
      expect(`${group}/${versions[0]?.name}`, api.kind).toBe(api.apiVersion);
      for (const composition of api.compositions) {
        expect(composition.compositeTypeRef, composition.name).toEqual({
          apiVersion: api.apiVersion,
          kind: api.kind,
        });
      }
      expect(api.compositions.map((composition) => composition.name)).toContain(api.compositionName());
    }
  });

  it('finds two APIs of one kind or one plural', () => {
    expect(identityProblems([networkApi, renamed(databaseApi, networkApi.kind, 'databases')])).toContain(
      'Network and Network both claim the name "network" in platform.switchyard.dev',
    );
    expect(identityProblems([networkApi, renamed(databaseApi, 'Database', networkApi.plural)])).toContain(
      'Network and Database both claim the name "networks" in platform.switchyard.dev',
    );
  });

  it('finds a kind whose singular is another API’s plural', () => {
    expect(identityProblems([networkApi, renamed(databaseApi, 'Networks', 'networkses')])).toContain(
      'Network and Networks both claim the name "networks" in platform.switchyard.dev',
    );
  });

  it('finds a Composition whose compositeTypeRef is not its XRD’s', () => {
    const [first, ...others] = databaseApi.compositions;
    if (!first) throw new Error('the Database API has no Composition');
    const wrongKind = { ...first, compositeTypeRef: networkApi.compositeTypeRef };
    const wrongVersion = {
      ...first,
      compositeTypeRef: { apiVersion: 'platform.switchyard.dev/v1beta1', kind: databaseApi.kind },
    };
    for (const [composition, shown] of [
      [wrongKind, 'platform.switchyard.dev/v1alpha1 Network'],
      [wrongVersion, 'platform.switchyard.dev/v1beta1 Database'],
    ] as const) {
      expect(identityProblems([{ ...databaseApi, compositions: [composition, ...others] }])).toEqual([
        `Composition ${first.name}: compositeTypeRef ${shown} is not its XRD's (platform.switchyard.dev/v1alpha1 Database)`,
      ]);
    }
  });

  it('finds an XRD that does not carry its API’s identity', () => {
    const problems = identityProblems([{ ...networkApi, definition: databaseApi.definition }]);
    expect(problems[0]).toBe(
      'Network: its XRD declares Database/databases in platform.switchyard.dev, not Network/networks in platform.switchyard.dev',
    );
  });

  it('finds a Composition name used twice, or one that is not its API’s', () => {
    const [first] = networkApi.compositions;
    if (!first) throw new Error('the Network API has no Composition');
    expect(identityProblems([{ ...networkApi, compositions: [...networkApi.compositions, first] }])).toEqual([
      `Composition ${first.name} is declared twice`,
    ]);
    const foreign = { ...first, name: databaseApi.compositionName('2z-single') };
    expect(identityProblems([{ ...networkApi, compositions: [foreign] }])).toEqual([
      `Composition ${foreign.name}: not a name of Network (networks-<variant>.platform.switchyard.dev)`,
      `Network: defaultCompositionRef ${networkApi.compositionName()} is none of its Compositions`,
    ]);
  });

  it('finds a composed XR of a kind no API declares', () => {
    const withoutNetwork = estateApis.filter((api) => api !== networkApi);
    const problems = identityProblems(withoutNetwork);
    expect(problems).toHaveLength(2);
    for (const region of ['us-east-1', 'us-east-2'])
      expect(problems).toContain(
        `Composition ${tradingPlatformApi.compositionName()} resource network-${region}: composes platform.switchyard.dev/v1alpha1 Network, which no estate API declares`,
      );
  });

  it('stops generation before any chart is added', () => {
    const app = new App();
    expect(() => addGeneratedCharts(app, [networkApi, renamed(databaseApi, 'Database', 'networks')])).toThrow(
      /estate API identities disagree:\n {2}Network and Database both claim the name "networks"/,
    );
    expect(app.node.children).toEqual([]);
  });
});
