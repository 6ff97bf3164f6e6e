/**
 * `switchyard publish`: the environments repository synthesized from the checkout's TradingPlatform
 * XR (layout.ts), every document validated by the one validator (src/schema) before anything is
 * written, then one commit naming the source commit and what changed per cluster, pushed
 * (repository.ts). Idempotent: the same checkout publishes no second commit.
 */
import { resolve } from 'node:path';
import { PlanInputError, readTradingPlatform } from '../plan/platform.js';
import { SchemaCatalog } from '../schema/catalog.js';
import { formatProblem, type Problem, validateYamlText } from '../schema/validate.js';
import { gitIn } from './git.js';
import { argocdCmHealthData } from './health/argocd-cm.js';
import { environmentsTree, fileText, type PublishedFile } from './layout.js';
import { CLUSTERS_DIR } from './names.js';
import { readPlatformXr } from './platforms.js';
import { type FileChange, PublishError, type PushResult, pushTree, type RenderedFile } from './repository.js';

/** Problems of one file's documents; the publisher stops at the first file that has any. */
export type FileValidator = (file: RenderedFile) => Problem[];

/** The one validator of `switchyard validate`, over the upstream schemas and ours. */
export function catalogValidator(catalog = SchemaCatalog.load()): FileValidator {
  return (file) => validateYamlText(catalog, file.text, file.path).problems;
}

/** Throws on the first file with an invalid document, naming its problems (file, document, field). */
export function refuseInvalid(files: readonly RenderedFile[], validate: FileValidator): void {
  for (const file of files) {
    const problems = validate(file);
    const [first] = problems;
    if (!first) continue;
    const sameDocument = problems.filter((problem) => problem.documentIndex === first.documentIndex);
    throw new PublishError(
      [...sameDocument.map(formatProblem), `${file.path} is not valid: nothing was published`].join('\n'),
    );
  }
}

export interface SourceRevision {
  /** The checkout's HEAD, when it is a git checkout. */
  commit?: string;
  /** Files differ from that commit. */
  dirty: boolean;
}

export async function sourceRevision(root: string): Promise<SourceRevision> {
  const git = gitIn(root);
  const head = await git.attempt(['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (head.code !== 0) return { dirty: false };
  const status = await git.attempt(['status', '--porcelain']);
  return { commit: head.stdout.trim(), dirty: status.stdout.trim() !== '' };
}

export const describeSource = (source: SourceRevision) =>
  source.commit
    ? `${source.commit.slice(0, 12)}${source.dirty ? ' with uncommitted changes' : ''}`
    : 'a checkout that is not a git repository';

const STATUS_WORDS = { A: 'added', M: 'changed', D: 'removed' } as const;

/** Changes grouped by cluster folder (`clusters/us-east-1`), in path order. */
export function changesByCluster(changes: readonly FileChange[]): Map<string, FileChange[]> {
  const clusters = new Map<string, FileChange[]>();
  for (const change of [...changes].sort((a, b) => a.path.localeCompare(b.path))) {
    const folder = change.path.split('/').slice(0, 2).join('/');
    clusters.set(folder, [...(clusters.get(folder) ?? []), change]);
  }
  return clusters;
}

/** `clusters/us-east-1: 1 added, 2 changed, 0 removed`. */
function summaryLine(folder: string, changes: readonly FileChange[]): string {
  const counts = (Object.keys(STATUS_WORDS) as FileChange['status'][]).map(
    (status) => `${changes.filter((change) => change.status === status).length} ${STATUS_WORDS[status]}`,
  );
  return `${folder}: ${counts.join(', ')}`;
}

/** One summary line per cluster folder. */
export const clusterSummaries = (changes: readonly FileChange[]) =>
  [...changesByCluster(changes)].map(([folder, list]) => summaryLine(folder, list));

/** The subject, the source commit, then per cluster folder its summary and each changed file. */
export function commitMessage(
  platformId: string,
  source: SourceRevision,
  changes: readonly FileChange[],
): string {
  const clusters = [...changesByCluster(changes)].map(([folder, list]) =>
    [summaryLine(folder, list), ...list.map((change) => `  ${change.status} ${change.path}`)].join('\n'),
  );
  return [
    `Publish ${platformId} from ${describeSource(source)}`,
    `Source: ${source.commit ?? 'not a git checkout'}${source.dirty ? ' (with uncommitted changes)' : ''}\n` +
      `Written by switchyard publish; ${CLUSTERS_DIR}/ is generated (docs/environments-repo.md).`,
    ...clusters,
  ].join('\n\n');
}

/** Local paths become absolute (the clone runs elsewhere); URLs and `host:path` stay as written. */
export function normalizeRemote(remote: string): string {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(remote) || /^[^/]+:/.test(remote);
  return isUrl ? remote : resolve(remote);
}

export interface PublishOptions {
  /** The project checkout: its chart values and its git HEAD. */
  root: string;
  /** Files or folders holding the TradingPlatform XR. */
  inputs: readonly string[];
  remote: string;
  branch: string;
  dir?: string;
  /** argocd-cm health entries; default: the shipped scripts of src/gitops/health (argocdCmHealthData()). */
  health?: Readonly<Record<string, string>>;
  /** Where the RegionHealth objects are probed from; default each region's own cluster. */
  vantages?: readonly string[];
  /** Default catalogValidator(). */
  validate?: FileValidator;
  beforePush?: (attempt: number) => Promise<void>;
}

export interface PublishOutcome extends PushResult {
  remote: string;
  platformId: string;
  source: SourceRevision;
  files: RenderedFile[];
}

export async function publish(options: PublishOptions): Promise<PublishOutcome> {
  const remote = normalizeRemote(options.remote);
  const { file, xr } = readPlatformXr(options.inputs);
  let tree: PublishedFile[];
  try {
    tree = environmentsTree({
      root: options.root,
      platform: xr,
      repoURL: remote,
      branch: options.branch,
      health: options.health ?? argocdCmHealthData(),
      ...(options.vantages ? { vantages: options.vantages } : {}),
    });
  } catch (error) {
    if (error instanceof PlanInputError)
      throw new PublishError(`${file}: ${error.field}: ${error.reason}; nothing was published`);
    throw error;
  }
  const files = tree.map((file) => ({ path: file.path, text: fileText(file) }));
  refuseInvalid(files, options.validate ?? catalogValidator());
  const source = await sourceRevision(options.root);
  const { platformId } = readTradingPlatform(xr).spec;
  const result = await pushTree({
    remote,
    branch: options.branch,
    ...(options.dir === undefined ? {} : { dir: options.dir }),
    files,
    message: (changes) => commitMessage(platformId, source, changes),
    ...(options.beforePush ? { beforePush: options.beforePush } : {}),
  });
  return { ...result, remote, platformId, source, files };
}
