import { cpus, loadavg, totalmem } from 'node:os';

/** The machine a bench or chaos run ran on, and how busy it was: figures are only comparable with these. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the run started and when it ended. */
  loadAtStart: number[];
  loadAtEnd: number[];
}

const rounded = (values: number[]) => values.map((value) => Math.round(value * 100) / 100);

/** The machine now; `loadAtEnd` is filled in by `finish`. */
export function machineAtStart(): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown cpu',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    loadAtStart: rounded(loadavg()),
    loadAtEnd: [],
  };
}

export function finish(machine: Machine): Machine {
  return { ...machine, loadAtEnd: rounded(loadavg()) };
}

const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');

/** `AMD EPYC, 2 cores, 23.5 GiB, Node v20…, linux/x64; load average (1/5/15 min) … at start, … at end`. */
export function machineLine(machine: Machine): string {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; load average (1/5/15 min) ${load(machine.loadAtStart)} at start, ${load(machine.loadAtEnd)} at end`;
}
