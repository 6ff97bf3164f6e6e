/**
 * The Application object, found in the environments repository, is the one source of the sync
 * rules (ADR 0018): the folder, the destination namespace, the automated policy, the sync options,
 * the retry strategy and ignoreDifferences. The upstream CRD (read by the project validator) says
 * what is well-formed; this module says what the stand-in implements, and refuses the rest by
 * field instead of ignoring it.
 */
import { z } from 'zod';
import { describeIssues, type FieldIssue } from '../../src/apis/issues.js';
import { parseGoDuration } from './go-duration.js';
import { PathSyntaxError, parseJqPath, parseJsonPointer } from './json-paths.js';

export type PrunePropagation = 'foreground' | 'background' | 'orphan';

/** Application-level sync options the stand-in implements, and what each sets (controller/sync.go). */
const APPLICATION_SYNC_OPTIONS = {
  'ServerSideApply=true': {},
  'RespectIgnoreDifferences=true': { respectIgnoreDifferences: true },
  'RespectIgnoreDifferences=false': {},
  'SkipDryRunOnMissingResource=true': { skipDryRunOnMissingResource: true },
  'PruneLast=true': { pruneLast: true },
  'ApplyOutOfSyncOnly=true': { applyOutOfSyncOnly: true },
  'ApplyOutOfSyncOnly=false': {},
  'PrunePropagationPolicy=foreground': { prunePropagation: 'foreground' },
  'PrunePropagationPolicy=background': { prunePropagation: 'background' },
  'PrunePropagationPolicy=orphan': { prunePropagation: 'orphan' },
} as const satisfies Record<string, Partial<SyncOptions>>;

/** `argocd.argoproj.io/sync-options` values on an object that the stand-in implements. */
export const RESOURCE_SYNC_OPTIONS = [
  'Prune=false',
  'SkipDryRunOnMissingResource=true',
  'PruneLast=true',
  'ServerSideApply=true',
] as const;

/** `argocd.argoproj.io/compare-options` values on an object that the stand-in implements. */
export const RESOURCE_COMPARE_OPTIONS = ['IgnoreExtraneous'] as const;

export interface SyncOptions {
  respectIgnoreDifferences: boolean;
  skipDryRunOnMissingResource: boolean;
  pruneLast: boolean;
  applyOutOfSyncOnly: boolean;
  /** Foreground unless the Application says otherwise (gitops-engine getDeleteOptions). */
  prunePropagation: PrunePropagation;
}

export interface IgnoreRule {
  group: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers: string[][];
  jqPathExpressions: ReturnType<typeof parseJqPath>[];
  managedFieldsManagers: string[];
}

export interface RetryStrategy {
  limit: number;
  backoff: { durationMs: number; factor: number; maxDurationMs: number };
}

export interface ApplicationRules {
  name: string;
  /** Argo CD's own namespace: where the Application and argocd-cm live. */
  namespace: string;
  project: string;
  repoURL: string;
  /** The folder of the repository the Application syncs. */
  path: string;
  targetRevision: string;
  recurse: boolean;
  /** Where namespaced objects without a namespace go. */
  destinationNamespace: string;
  automated?: { prune: boolean; selfHeal: boolean; allowEmpty: boolean };
  options: SyncOptions;
  retry?: RetryStrategy;
  ignoreDifferences: IgnoreRule[];
}

/** Argo CD's name for the in-cluster destination; the stand-in syncs into the cluster of its kubeconfig. */
const IN_CLUSTER = { server: 'https://kubernetes.default.svc', name: 'in-cluster' };

/** A group or kind pattern: `*` and `?` only (the stand-in's glob has no classes or alternatives). */
const glob = z.string().regex(/^[^[\]{}\\]*$/, 'only * and ? wildcards are implemented by the stand-in');
const syncOption = z.string().refine((option) => option in APPLICATION_SYNC_OPTIONS, {
  message: `not implemented by the stand-in (it implements ${Object.keys(APPLICATION_SYNC_OPTIONS).join(', ')})`,
});

const jsonPointer = z.string().superRefine((pointer, context) => {
  try {
    parseJsonPointer(pointer);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const jqPath = z.string().superRefine((expression, context) => {
  try {
    parseJqPath(expression);
  } catch (error) {
    if (!(error instanceof PathSyntaxError)) throw error;
    context.addIssue({ code: 'custom', message: error.message });
  }
});

const goDuration = z.string().refine((text) => parseGoDuration(text) !== undefined, {
  message: 'must be a Go duration such as 10s or 3m, or a number of seconds',
});

const unsupported = (what: string) =>
  z
    .unknown()
    .refine(() => false, { message: `${what} is not implemented by the stand-in` })
    .optional();

/** The Application fields the stand-in reads; other fields of the upstream schema are refused by name. */
const applicationSchema = z.object({
  apiVersion: z.literal('argoproj.io/v1alpha1'),
  kind: z.literal('Application'),
  metadata: z.object({ name: z.string().min(1), namespace: z.string().min(1) }),
  spec: z.strictObject({
    project: z.string().min(1),
    source: z.strictObject({
      repoURL: z.string().min(1),
      path: z.string().min(1),
      targetRevision: z.string().optional(),
      directory: z
        .strictObject({
          recurse: z.boolean().optional(),
          include: unsupported('directory.include'),
          exclude: unsupported('directory.exclude'),
          jsonnet: unsupported('jsonnet'),
        })
        .optional(),
      helm: unsupported('a Helm source'),
      kustomize: unsupported('a Kustomize source'),
      plugin: unsupported('a plugin source'),
      chart: unsupported('a Helm chart source'),
    }),
    sources: unsupported('a multi-source Application'),
    destination: z
      .strictObject({
        server: z.literal(IN_CLUSTER.server).optional(),
        name: z.literal(IN_CLUSTER.name).optional(),
        namespace: z.string().optional(),
      })
      .refine((destination) => destination.server !== undefined || destination.name !== undefined, {
        message: `must name the in-cluster destination (server ${IN_CLUSTER.server})`,
      }),
    syncPolicy: z
      .strictObject({
        automated: z
          .strictObject({
            prune: z.boolean().optional(),
            selfHeal: z.boolean().optional(),
            allowEmpty: z.boolean().optional(),
            enabled: z.boolean().optional(),
          })
          .optional(),
        syncOptions: z.array(syncOption).optional(),
        retry: z
          .strictObject({
            limit: z.int().optional(),
            backoff: z
              .strictObject({
                duration: goDuration.optional(),
                factor: z.int().min(1).optional(),
                maxDuration: goDuration.optional(),
              })
              .optional(),
            refresh: unsupported('retry.refresh'),
          })
          .optional(),
        managedNamespaceMetadata: unsupported('managedNamespaceMetadata'),
      })
      .refine((policy) => (policy.syncOptions ?? []).includes('ServerSideApply=true'), {
        message: 'needs ServerSideApply=true in syncOptions: the stand-in only applies server-side',
        path: ['syncOptions'],
      }),
    ignoreDifferences: z
      .array(
        z.strictObject({
          group: glob.optional(),
          kind: glob,
          name: z.string().optional(),
          namespace: z.string().optional(),
          jsonPointers: z.array(jsonPointer).optional(),
          jqPathExpressions: z.array(jqPath).optional(),
          managedFieldsManagers: z.array(z.string().min(1)).optional(),
        }),
      )
      .optional(),
    revisionHistoryLimit: z.int().optional(),
    info: z.array(z.unknown()).optional(),
  }),
});

export type ApplicationReading = { ok: true; rules: ApplicationRules } | { ok: false; issues: FieldIssue[] };

/** Reads an Application object (already valid against the upstream CRD) into the rules the stand-in follows. */
export function readApplication(object: unknown): ApplicationReading {
  const parsed = applicationSchema.safeParse(object);
  if (!parsed.success) return { ok: false, issues: describeIssues(parsed.error) };
  const { metadata, spec } = parsed.data;
  const chosen = Object.assign(
    {},
    ...(spec.syncPolicy?.syncOptions ?? []).map(optionEffect),
  ) as Partial<SyncOptions>;
  const automated = spec.syncPolicy?.automated;
  const retry = spec.syncPolicy?.retry;
  return {
    ok: true,
    rules: {
      name: metadata.name,
      namespace: metadata.namespace,
      project: spec.project,
      repoURL: spec.source.repoURL,
      path: spec.source.path.replace(/^\.\/|\/+$/g, ''),
      targetRevision: spec.source.targetRevision ?? 'HEAD',
      recurse: spec.source.directory?.recurse ?? false,
      destinationNamespace: spec.destination.namespace ?? '',
      ...(automated && automated.enabled !== false
        ? {
            automated: {
              prune: automated.prune ?? false,
              selfHeal: automated.selfHeal ?? false,
              allowEmpty: automated.allowEmpty ?? false,
            },
          }
        : {}),
      options: {
        respectIgnoreDifferences: false,
        skipDryRunOnMissingResource: false,
        pruneLast: false,
        applyOutOfSyncOnly: false,
        prunePropagation: 'foreground',
        ...chosen,
      },
      ...(retry
        ? {
            retry: {
              limit: retry.limit ?? 0,
              backoff: {
                durationMs: parseGoDuration(retry.backoff?.duration ?? '5s') ?? 5_000,
                factor: retry.backoff?.factor ?? 2,
                maxDurationMs: parseGoDuration(retry.backoff?.maxDuration ?? '3m') ?? 180_000,
              },
            },
          }
        : {}),
      ignoreDifferences: (spec.ignoreDifferences ?? []).map((rule) => ({
        group: rule.group ?? '',
        kind: rule.kind,
        ...(rule.name ? { name: rule.name } : {}),
        ...(rule.namespace ? { namespace: rule.namespace } : {}),
        jsonPointers: (rule.jsonPointers ?? []).map(parseJsonPointer),
        jqPathExpressions: (rule.jqPathExpressions ?? []).map(parseJqPath),
        managedFieldsManagers: rule.managedFieldsManagers ?? [],
      })),
    },
  };
}

function optionEffect(option: string): Partial<SyncOptions> {
  return APPLICATION_SYNC_OPTIONS[option as keyof typeof APPLICATION_SYNC_OPTIONS] ?? {};
}

/** What an automated sync retries with when the Application names no strategy (appcontroller.go autoSync). */
export const AUTOMATED_DEFAULT_RETRY: RetryStrategy = {
  limit: 5,
  backoff: { durationMs: 5_000, factor: 2, maxDurationMs: 180_000 },
};

/** The wait before retry number `attempt` (0 for the first retry): duration × factor^attempt, capped. */
export function retryDelayMs(strategy: RetryStrategy, attempt: number): number {
  const { durationMs, factor, maxDurationMs } = strategy.backoff;
  const wait = durationMs * factor ** attempt;
  return maxDurationMs > 0 ? Math.min(maxDurationMs, wait) : wait;
}
