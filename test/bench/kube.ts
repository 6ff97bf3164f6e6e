import { loadavg } from 'node:os';
import { atLeast, atMost, type Figure, measured, notMeasured, type Section } from './figures.js';
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
  { key: 'delete', label: `delete ${WORKLOAD.deletes} of ${WORKLOAD.objects}`, unit: 'req/s', goal: false },
];

const MIB = 2 ** 20;
const NOT_BUILT =
  'the real apiserver is not built (.cache/real/bin/kube-apiserver missing; `npm run real:setup` builds it)';
const latency = (op: OpFigures) => `median ${op.medianMs.toFixed(1)} ms, p95 ${op.p95Ms.toFixed(1)} ms`;

function opFigure(id: string, title: string, op: OpFigures | undefined, unit: string): Figure {
  return op
    ? measured(id, title, op.perSecond, unit, { note: latency(op) })
    : notMeasured(id, title, unit, 'the workload did not run this operation');
}

export function kubeSection(figures: KubeFigures): Section {
  const { emulator, real } = figures;
  const result: Figure[] = [];
  for (const row of ROWS) {
    const mine = emulator.ops[row.key];
    const theirs = real?.ops[row.key];
    const goal = row.goal ? atLeast(1) : undefined;
    result.push(opFigure(`kube.emulator.${row.key}`, `emulator: ${row.label}`, mine, row.unit));
    if (!real) {
      result.push(
        notMeasured(`kube.real.${row.key}`, `real apiserver: ${row.label}`, row.unit, NOT_BUILT),
        notMeasured(`kube.ratio.${row.key}`, `emulator/real: ${row.label}`, '×', NOT_BUILT, goal),
      );
      continue;
    }
    result.push(opFigure(`kube.real.${row.key}`, `real apiserver: ${row.label}`, theirs, row.unit));
    result.push(
      mine && theirs
        ? measured(
            `kube.ratio.${row.key}`,
            `emulator/real: ${row.label}`,
            mine.perSecond / theirs.perSecond,
            '×',
            {
              ...(goal ? { goal } : {}),
            },
          )
        : notMeasured(
            `kube.ratio.${row.key}`,
            `emulator/real: ${row.label}`,
            '×',
            'an operation is missing',
            goal,
          ),
    );
  }
  result.push(
    measured(
      'kube.emulator.rss',
      `emulator RSS with ${WORKLOAD.objects} objects`,
      emulator.memory.rssBytes / MIB,
      'MB',
      {
        goal: atMost(RSS_GOAL_BYTES / MIB),
        note: `at rest; V8 heap after GC ${((emulator.memory.heapUsedBytes ?? Number.NaN) / MIB).toFixed(0)} MB; peak ${(emulator.memory.peakRssBytes / MIB).toFixed(0)} MB while serving whole lists`,
      },
    ),
    real
      ? measured(
          'kube.real.rss',
          `real apiserver + etcd RSS with ${WORKLOAD.objects} objects`,
          real.memory.rssBytes / MIB,
          'MB',
          {
            note: `peak ${(real.memory.peakRssBytes / MIB).toFixed(0)} MB`,
          },
        )
      : notMeasured(
          'kube.real.rss',
          `real apiserver + etcd RSS with ${WORKLOAD.objects} objects`,
          'MB',
          NOT_BUILT,
        ),
  );
  return {
    id: 'kube',
    title: 'Kubernetes API (issue 5): emulator vs the full kube-apiserver',
    setup: `The emulator (local/kube, own Node process) and the full kube-apiserver + embedded etcd (.cache/real), one after the other in this run: ${WORKLOAD.objects} RegionHealth objects, ${WORKLOAD.concurrency} keep-alive connections (node:http; TLS to the real server), warm-up first; throughput per operation and the ratio emulator/real (≥ 1: the emulator is not slower). Load average ${figures.loadBefore.toFixed(1)} before, ${figures.loadAfter.toFixed(1)} after.`,
    figures: result,
  };
}
