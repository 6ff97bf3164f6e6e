/**
 * The stand-in syncer's status for people, in the shape of `argocd app get`: the application,
 * what it serves, the refused commit with its problems, then one line per resource.
 */
import type { ApplicationStatus } from '../../local/gitops/index.js';
import { formatProblem } from '../schema/validate.js';

const short = (revision: string | undefined) => (revision ? revision.slice(0, 12) : '-');

function table(rows: readonly string[][]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

export function formatStatus(status: ApplicationStatus): string {
  const app = status.application;
  const name = app
    ? `${app.name} (namespace ${app.namespace}, project ${app.project})`
    : JSON.stringify(status.selector);
  const head = status.rejected
    ? `${short(status.headRevision)} refused; serving ${short(status.sync.revision)}`
    : short(status.headRevision);
  const operation = status.operationState;
  const lines = [
    `Application:     ${name}`,
    `Synced by:       ${status.standIn}`,
    `Source:          ${status.source.repo} branch ${status.source.branch}${app ? `, path ${app.path}` : ''}`,
    `Head:            ${head}`,
    `Sync Status:     ${status.sync.status}${status.sync.revision ? ` to ${short(status.sync.revision)}` : ''}`,
    `Health Status:   ${status.health.status}`,
    ...(operation
      ? [
          `Operation:       ${operation.phase} at ${short(operation.syncResult.revision)}: ${operation.message}`,
        ]
      : []),
    `Observed:        ${status.observedAt}`,
  ];
  if (status.rejected) {
    lines.push('', `Refused commit ${short(status.rejected.revision)} (nothing of it was applied):`);
    lines.push(...status.rejected.problems.map((problem) => `  ${formatProblem(problem)}`));
  }
  if (status.conditions.length > 0) {
    lines.push('', 'Conditions:', ...status.conditions.map((c) => `  ${c.type}: ${c.message}`));
  }
  if (status.resources.length > 0) {
    const header = ['GROUP', 'KIND', 'NAMESPACE', 'NAME', 'WAVE', 'STATUS', 'HEALTH', 'MESSAGE'];
    const results = new Map(
      (operation?.syncResult.resources ?? []).map((r) => [
        `${r.group}/${r.kind}/${r.namespace}/${r.name}`,
        r.message,
      ]),
    );
    const rows = status.resources.map((r) => [
      r.group,
      r.kind,
      r.namespace,
      r.name,
      r.syncWave === undefined ? '' : String(r.syncWave),
      r.requiresPruning ? `${r.status} (requires pruning)` : r.status,
      r.health?.status ?? '',
      r.message ?? r.health?.message ?? results.get(`${r.group}/${r.kind}/${r.namespace}/${r.name}`) ?? '',
    ]);
    lines.push('', ...table([header, ...rows]));
  }
  return `${lines.join('\n')}\n`;
}
