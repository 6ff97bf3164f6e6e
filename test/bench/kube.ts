import { loadavg } from 'node:os';
import {
  type BenchTarget,
  installSwitchyardCrds,
  realApiserverBuilt,
  startEmulatorTarget,
  startRealTarget,
} from './kube-target.js';
import { type OpFigures, runWorkload, type TargetFigures, WORKLOAD } from './kube-workload.js';

/**
 * The Kubernetes API section of `npm run bench` (issue 5): GET, LIST and WATCH throughput and
 * latency of the emulator (local/kube, in a child process) and of the full kube-apiserver
 * (.cache/real, built by `npm run real:setup`), one after the other in the same run, as ratios
 * (goal: emulator not slower, ratio >= 1), and the emulator's memory with 10,000 objects (goal
 * <= 200 MB RSS). Without the real binary the emulator figures are printed and the section says
 * that the ratios need `npm run real:setup`.
 */

export const RSS_GOAL_BYTES = 200 * 2 ** 20;

export interface KubeFigures {
  emulator: TargetFigures;
  real?: TargetFigures;
  loadBefore: number;
  loadAfter: number;
}

async function measureTarget(start: (sockets: number) => Promise<BenchTarget>): Promise<TargetFigures> {
  const target = await start(WORKLOAD.concurrency);
  try {
    await installSwitchyardCrds(target.client);
    return await runWorkload(target);
  } finally {
    await target.stop();
  }
}

export async function measureKube(): Promise<KubeFigures> {
  const loadBefore = loadavg()[0] ?? Number.NaN;
  // One target at a time, so they never compete for the cores.
  const emulator = await measureTarget(startEmulatorTarget);
  const real = realApiserverBuilt() ? await measureTarget(startRealTarget) : undefined;
  return { emulator, real, loadBefore, loadAfter: loadavg()[0] ?? Number.NaN };
}

const ROWS: { key: string; label: string; unit: string; goal: boolean }[] = [
  { key: 'create', label: `create ${WORKLOAD.objects}`, unit: 'req/s', goal: false },
  { key: 'get', label: `get by name ×${WORKLOAD.gets}`, unit: 'req/s', goal: true },
  { key: 'list', label: `list all ${WORKLOAD.objects} ×${WORKLOAD.fullLists}`, unit: 'obj/s', goal: true },
  { key: 'listPaged', label: `list limit=${WORKLOAD.pageLimit}+continue`, unit: 'obj/s', goal: true },
  { key: 'watchInitial', label: `watch from now: ${WORKLOAD.objects} ADDED`, unit: 'ev/s', goal: true },
  {
    key: 'watchFanOut',
    label: `watch ${WORKLOAD.watchers} watchers × ${WORKLOAD.watchEvents} changes`,
    unit: 'ev/s',
    goal: true,
  },
  { key: 'delete', label: `delete ${WORKLOAD.objects}`, unit: 'req/s', goal: false },
];

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const cell = (op: OpFigures | undefined, unit: string) =>
  op ? `${ms(op.medianMs)}/${ms(op.p95Ms)} ms ${op.perSecond.toFixed(0)} ${unit}`.padEnd(28) : ''.padEnd(28);

export function kubeLines(figures: KubeFigures): string[] {
  const { emulator, real } = figures;
  const lines = [
    `Kubernetes API (issue 5): emulator (local/kube, own Node process) vs the full kube-apiserver + embedded etcd, one after the other; load average ${figures.loadBefore.toFixed(1)} before, ${figures.loadAfter.toFixed(1)} after`,
    `  ${WORKLOAD.objects} RegionHealth objects, ${WORKLOAD.concurrency} keep-alive connections (node:http; TLS to the real server), warm-up first; cells: median/p95 latency, throughput; ratio = emulator/real throughput (>= 1: emulator not slower)`,
    `  ${'operation'.padEnd(40)}${'emulator'.padEnd(28)}${'real apiserver'.padEnd(28)}ratio`,
  ];
  const missed: string[] = [];
  for (const row of ROWS) {
    const mine = emulator.ops[row.key];
    const theirs = real?.ops[row.key];
    const ratio = mine && theirs ? mine.perSecond / theirs.perSecond : undefined;
    if (row.goal && ratio !== undefined && ratio < 1) missed.push(row.key);
    lines.push(
      `  ${row.label.padEnd(40)}${cell(mine, row.unit)}${real ? cell(theirs, row.unit) : 'n/a'.padEnd(28)}${ratio === undefined ? '' : ratio.toFixed(2)}`,
    );
  }
  const rss = emulator.memory.rssBytes;
  lines.push(
    `  memory with ${WORKLOAD.objects} objects: emulator RSS ${mib(rss)} at rest (V8 heap after GC ${mib(emulator.memory.heapUsedBytes ?? Number.NaN)}; peak ${mib(emulator.memory.peakRssBytes)} while serving whole lists), goal <= ${mib(RSS_GOAL_BYTES)}: ${rss <= RSS_GOAL_BYTES ? 'MET' : 'MISSED'}${real ? `; real apiserver + etcd ${mib(real.memory.rssBytes)} (peak ${mib(real.memory.peakRssBytes)})` : ''}`,
  );
  if (!real) {
    lines.push(
      '  NO RATIOS: the real apiserver is not built (.cache/real/bin/kube-apiserver missing); run `npm run real:setup` to compare',
    );
  } else {
    lines.push(
      `  goal GET/LIST/WATCH ratio >= 1: ${missed.length === 0 ? 'MET' : `MISSED for ${missed.join(', ')}`}`,
    );
  }
  return lines;
}
