import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { type ObjectProblem, validateObject } from '../../../src/schema/validate.js';
import { RULES_NOTE, withRulesNote } from './rules-note.js';

/** Crossplane and Argo CD kinds Switchyard emits: one valid object and the typical mistakes each. */

let catalog: SchemaCatalog;
beforeAll(() => {
  catalog = SchemaCatalog.load();
});

const paths = (problems: ObjectProblem[]) => problems.map((problem) => problem.path);
const validate = (object: unknown) => validateObject(catalog, object);

const application = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'estate-us-east-1', namespace: 'argocd' },
  spec: {
    project: 'switchyard',
    source: {
      repoURL: 'https://git.example.com/environments.git',
      path: 'us-east-1',
      targetRevision: 'main',
    },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'platform' },
    syncPolicy: {
      automated: { prune: true, selfHeal: true },
      syncOptions: ['RespectIgnoreDifferences=true'],
    },
    ignoreDifferences: [
      { group: 'rds.aws.m.upbound.io', kind: 'Cluster', managedFieldsManagers: ['switchyard'] },
    ],
  },
};

const appProject = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name: 'switchyard', namespace: 'argocd' },
  spec: {
    sourceRepos: ['https://git.example.com/environments.git'],
    destinations: [{ server: 'https://kubernetes.default.svc', namespace: '*' }],
    clusterResourceWhitelist: [{ group: '*', kind: '*' }],
  },
};

const xrd = {
  apiVersion: 'apiextensions.crossplane.io/v2',
  kind: 'CompositeResourceDefinition',
  metadata: { name: 'regionalnetworks.estate.switchyard.dev' },
  spec: {
    group: 'estate.switchyard.dev',
    names: { kind: 'RegionalNetwork', plural: 'regionalnetworks' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        referenceable: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { region: { type: 'string' } } } },
          },
        },
      },
    ],
  },
};

const composition = {
  apiVersion: 'apiextensions.crossplane.io/v1',
  kind: 'Composition',
  metadata: { name: 'regionalnetwork' },
  spec: {
    compositeTypeRef: { apiVersion: 'estate.switchyard.dev/v1alpha1', kind: 'RegionalNetwork' },
    mode: 'Pipeline',
    pipeline: [
      {
        step: 'patch-and-transform',
        functionRef: { name: 'crossplane-contrib-function-patch-and-transform' },
        input: {
          apiVersion: 'pt.fn.crossplane.io/v1beta1',
          kind: 'Resources',
          resources: [
            {
              name: 'vpc',
              base: {
                apiVersion: 'ec2.aws.m.upbound.io/v1beta1',
                kind: 'VPC',
                spec: { forProvider: { cidrBlock: '10.0.0.0/16' } },
              },
            },
          ],
        },
      },
    ],
  },
};

const activationPolicy = {
  apiVersion: 'apiextensions.crossplane.io/v1alpha1',
  kind: 'ManagedResourceActivationPolicy',
  metadata: { name: 'switchyard' },
  spec: { activate: ['vpcs.ec2.aws.m.upbound.io', 'clusters.rds.aws.m.upbound.io'] },
};

const functionPackage = {
  apiVersion: 'pkg.crossplane.io/v1',
  kind: 'Function',
  metadata: { name: 'crossplane-contrib-function-patch-and-transform' },
  spec: { package: 'xpkg.crossplane.io/crossplane-contrib/function-patch-and-transform:v0.10.8' },
};

const providerPackage = {
  apiVersion: 'pkg.crossplane.io/v1',
  kind: 'Provider',
  metadata: { name: 'provider-aws-ec2' },
  spec: {
    package: 'xpkg.crossplane.io/crossplane-contrib/provider-aws-ec2:v2.6.0',
    revisionActivationPolicy: 'Automatic',
  },
};

/** Returns a deep copy with `mutate` applied, so each case starts from the valid object. */
function mutated<T>(object: T, mutate: (copy: T) => void): T {
  const copy = structuredClone(object);
  mutate(copy);
  return copy;
}

describe('argoproj.io Application', () => {
  it('accepts a typical Application', () => expect(validate(application)).toEqual([]));
  it('refuses a missing destination', () => {
    const problems = validate(
      mutated(application, (copy) => Reflect.deleteProperty(copy.spec, 'destination')),
    );
    expect(problems).toEqual([{ path: 'spec.destination', message: 'Required value' }]);
  });
  it('refuses an unknown field (a typo)', () => {
    const problems = validate(
      mutated(application, (copy) => Object.assign(copy.spec.syncPolicy, { automatic: {} })),
    );
    expect(problems).toEqual([{ path: 'spec.syncPolicy.automatic', message: 'unknown field "automatic"' }]);
  });
  it('refuses a wrong type', () => {
    const problems = validate(
      mutated(application, (copy) => Object.assign(copy.spec.syncPolicy.automated, { prune: 'yes' })),
    );
    expect(problems).toEqual([
      { path: 'spec.syncPolicy.automated.prune', message: 'Invalid value: "yes": must be of type boolean' },
    ]);
  });
  it('refuses a namespace that is not a DNS label', () => {
    const problems = validate(
      mutated(application, (copy) => Object.assign(copy.metadata, { namespace: 'Argo_CD' })),
    );
    expect(paths(problems)).toEqual(['metadata.namespace']);
  });
});

describe('argoproj.io AppProject', () => {
  it('accepts a typical AppProject', () => expect(validate(appProject)).toEqual([]));
  it('refuses a destination field of the wrong type', () => {
    const problems = validate(
      mutated(appProject, (copy) => Object.assign(copy.spec, { destinations: { server: 'x' } })),
    );
    expect(paths(problems)).toEqual(['spec.destinations']);
  });
  it('refuses an unknown field', () => {
    const problems = validate(mutated(appProject, (copy) => Object.assign(copy.spec, { sourceRepo: ['x'] })));
    expect(problems).toEqual([{ path: 'spec.sourceRepo', message: 'unknown field "sourceRepo"' }]);
  });
  it('refuses a missing group in a whitelist entry', () => {
    const problems = validate(
      mutated(appProject, (copy) =>
        Reflect.deleteProperty(copy.spec.clusterResourceWhitelist[0] ?? {}, 'group'),
      ),
    );
    expect(problems).toEqual([{ path: 'spec.clusterResourceWhitelist[0].group', message: 'Required value' }]);
  });
});

describe('apiextensions.crossplane.io/v2 CompositeResourceDefinition', () => {
  it('accepts a Namespaced XRD', () => expect(validate(xrd)).toEqual([]));
  it('refuses a scope outside the enum', () => {
    const problems = validate(mutated(xrd, (copy) => Object.assign(copy.spec, { scope: 'Global' })));
    expect(problems.slice(1)).toEqual([RULES_NOTE]);
    expect(paths(problems)[0]).toBe('spec.scope');
    expect(problems[0]?.message).toBe(
      'Unsupported value: "Global": supported values: "Namespaced", "Cluster"',
    );
  });
  it('refuses a plural that is not lower case (CEL lowerAscii rule)', () => {
    const problems = validate(
      mutated(xrd, (copy) => Object.assign(copy.spec.names, { plural: 'RegionalNetworks' })),
    );
    expect(problems).toEqual([{ path: 'spec.names', message: 'Plural name must be lowercase' }]);
  });
  it('refuses claims on a v2 XRD (CEL rule)', () => {
    const problems = validate(
      mutated(xrd, (copy) =>
        Object.assign(copy.spec, { claimNames: { kind: 'Network', plural: 'networks' } }),
      ),
    );
    expect(paths(problems)).toEqual(['spec']);
  });
  it('refuses an unknown field', () => {
    const problems = validate(
      mutated(xrd, (copy) => Object.assign(copy.spec, { compositionRef: { name: 'x' } })),
    );
    expect(problems).toEqual([{ path: 'spec.compositionRef', message: 'unknown field "compositionRef"' }]);
  });
  it('reports the deprecated v1 apiVersion', () => {
    const v1 = mutated(xrd, (copy) => {
      copy.apiVersion = 'apiextensions.crossplane.io/v1';
      Reflect.deleteProperty(copy.spec, 'scope');
    });
    const problems = validate(v1);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('apiVersion');
    expect(problems[0]?.message).toMatch(/^deprecated apiVersion "apiextensions.crossplane.io\/v1": /);
  });
});

describe('apiextensions.crossplane.io Composition', () => {
  it('accepts a Pipeline composition with a patch-and-transform step', () =>
    expect(validate(composition)).toEqual([]));
  it('refuses a mode outside the enum', () => {
    const problems = validate(
      mutated(composition, (copy) => Object.assign(copy.spec, { mode: 'Resources' })),
    );
    expect(paths(problems)).toContain('spec.mode');
  });
  it('refuses a pipeline step without functionRef', () => {
    const problems = validate(
      mutated(composition, (copy) => Reflect.deleteProperty(copy.spec.pipeline[0] ?? {}, 'functionRef')),
    );
    expect(problems).toEqual(
      withRulesNote(catalog, composition, [
        { path: 'spec.pipeline[0].functionRef', message: 'Required value' },
      ]),
    );
  });
  it('refuses a step input without apiVersion (an embedded resource)', () => {
    const problems = validate(
      mutated(composition, (copy) =>
        Reflect.deleteProperty(copy.spec.pipeline[0]?.input ?? {}, 'apiVersion'),
      ),
    );
    expect(problems).toEqual(
      withRulesNote(catalog, composition, [
        { path: 'spec.pipeline[0].input.apiVersion', message: 'Required value' },
      ]),
    );
  });
  it('refuses an unknown field', () => {
    const problems = validate(mutated(composition, (copy) => Object.assign(copy.spec, { resources: [] })));
    expect(paths(problems)).toEqual(['spec.resources']);
  });
});

describe('apiextensions.crossplane.io ManagedResourceActivationPolicy', () => {
  it('accepts a list of MRDs', () => expect(validate(activationPolicy)).toEqual([]));
  it('refuses a missing activate list', () => {
    const problems = validate(
      mutated(activationPolicy, (copy) => Reflect.deleteProperty(copy.spec, 'activate')),
    );
    expect(problems).toEqual([{ path: 'spec.activate', message: 'Required value' }]);
  });
  it('refuses a wrong type and an unknown field', () => {
    const problems = validate(
      mutated(activationPolicy, (copy) => Object.assign(copy.spec, { activate: 'all', deactivate: [] })),
    );
    expect(paths(problems).sort()).toEqual(['spec.activate', 'spec.deactivate']);
  });
  it('refuses a namespace on this cluster-scoped kind', () => {
    const problems = validate(
      mutated(activationPolicy, (copy) => Object.assign(copy.metadata, { namespace: 'platform' })),
    );
    expect(problems).toEqual([
      {
        path: 'metadata.namespace',
        message: 'Forbidden: ManagedResourceActivationPolicy is cluster-scoped and cannot have a namespace',
      },
    ]);
  });
});

describe.each([
  ['Function', functionPackage],
  ['Provider', providerPackage],
])('pkg.crossplane.io %s', (_kind, object) => {
  it('accepts a fully qualified package', () => expect(validate(object)).toEqual([]));
  it('refuses a package that is not fully qualified (CEL matches rule)', () => {
    const problems = validate(
      mutated(object, (copy) => Object.assign(copy.spec, { package: 'function-x:v1' })),
    );
    expect(paths(problems)).toEqual(['spec.package']);
    expect(problems[0]?.message).toMatch(/fully qualified/i);
  });
  // These kinds declare no enum in spec; a wrong type stands in for it.
  it('refuses a revision history limit that is not an integer', () => {
    const problems = validate(
      mutated(object, (copy) => Object.assign(copy.spec, { revisionHistoryLimit: 'many' })),
    );
    expect(problems).toEqual([
      { path: 'spec.revisionHistoryLimit', message: 'Invalid value: "many": must be of type integer' },
      RULES_NOTE,
    ]);
  });
  it('refuses an unknown field', () => {
    const problems = validate(mutated(object, (copy) => Object.assign(copy.spec, { version: 'v1' })));
    expect(problems).toEqual([{ path: 'spec.version', message: 'unknown field "version"' }]);
  });
});
