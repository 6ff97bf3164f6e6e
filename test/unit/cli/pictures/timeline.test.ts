/** The timeline rows and table the demo prints, from a Failover captured from a controller run. */
import { describe, expect, it } from 'vitest';
import {
  executionStartMs,
  formatTimelineTable,
  timelineRows,
} from '../../../../src/cli/pictures/timeline.js';
import { cutAfter, succeededSwitchover } from './failovers.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI = /\u001b\[[0-9;]*m/g;

describe('timelineRows', () => {
  it('has one row per journal step with its region, start from the execution start and duration', () => {
    const rows = timelineRows(succeededSwitchover());
    expect(rows.map((r) => [r.step, r.region, r.state, r.start, r.duration, r.attempts])).toEqual([
      ['preflight', 'us-east-1', 'Succeeded', '+0.010 s', '21 ms', 1],
      ['lag-gate', 'us-east-2', 'Succeeded', '+0.040 s', '49 ms', 1],
      ['scale-up', 'us-east-2', 'Succeeded', '+0.133 s', '20 ms', 1],
      ['switchover', 'us-east-1', 'Succeeded', '+0.164 s', '26 ms', 1],
      ['wait-writer', 'us-east-2', 'Succeeded', '+0.206 s', '14 ms', 1],
      ['verify', 'us-east-2', 'Succeeded', '+0.233 s', '21 ms', 1],
      ['close-old', 'us-east-1', 'Succeeded', '+0.263 s', '21 ms', 1],
      ['open-new', 'us-east-2', 'Succeeded', '+0.293 s', '14 ms', 1],
      ['unfence-new', 'us-east-1', 'Succeeded', '+0.316 s', '10 ms', 1],
      ['traffic-settled', 'us-east-2', 'Succeeded', '+0.340 s', '17 ms', 1],
    ]);
    expect(rows[1]).toMatchObject({ startOffsetMs: 40, durationMs: 49, open: false });
    expect(rows[1]?.message).toBe('replication lag 20 ms within 5.0 s');
  });

  it("measures from the first step's start when status.startedAt is missing", () => {
    const failover = succeededSwitchover();
    delete failover.status?.startedAt;
    expect(executionStartMs(failover)).toBe(Date.parse('2026-12-03T10:41:40.000Z'));
    expect(timelineRows(failover)[0]?.start).toBe('+0.000 s');
  });

  it('leaves a running step open, or measures it to the given clock', () => {
    const failover = cutAfter(
      3,
      ({ finishedAt: _, ...entry }) => ({ ...entry, state: 'Running' }),
      'Running',
    );
    const open = timelineRows(failover).at(-1);
    expect(open).toMatchObject({ step: 'scale-up', state: 'Running', open: true, duration: 'running' });
    expect(open?.durationMs).toBeUndefined();
    const measured = timelineRows(failover, { now: '2026-12-03T10:41:42.523Z' }).at(-1);
    expect(measured).toMatchObject({ durationMs: 2400, duration: 'running 2.4 s', open: true });
  });

  it('shows a failed step with its attempts, and steps not started without times', () => {
    const failover = cutAfter(
      4,
      (entry) => ({ ...entry, state: 'Failed', attempts: 3, message: 'SwitchoverGlobalCluster: timed out' }),
      'Failed',
    );
    failover.status?.journal?.push({ name: 'wait-writer', state: 'Pending', attempts: 0 });
    const rows = timelineRows(failover);
    expect(rows[3]).toMatchObject({ step: 'switchover', state: 'Failed', attempts: 3, duration: '26 ms' });
    expect(rows[4]).toMatchObject({
      step: 'wait-writer',
      state: 'Pending',
      start: '-',
      duration: '-',
      open: false,
    });
    expect(rows[4]?.region).toBeUndefined();
  });

  it('is empty before the controller has written a journal', () => {
    const failover = succeededSwitchover();
    failover.status = undefined;
    expect(timelineRows(failover)).toEqual([]);
    expect(formatTimelineTable([])).toBe('STEP  REGION  STATE  START  DURATION  ATTEMPTS  MESSAGE\n');
  });
});

describe('formatTimelineTable', () => {
  const rows = timelineRows(succeededSwitchover());

  it('aligns every column under its header, times right-aligned', () => {
    const [header, ...lines] = formatTimelineTable(rows, { width: 400 }).trimEnd().split('\n');
    expect(header).toMatch(/^STEP +REGION +STATE +START +DURATION +ATTEMPTS +MESSAGE$/);
    expect(lines).toHaveLength(rows.length);
    const h = header as string;
    lines.forEach((line, i) => {
      const row = rows[i] as (typeof rows)[number];
      expect(line.startsWith(row.step)).toBe(true);
      expect(line.indexOf(row.region as string, row.step.length)).toBe(h.indexOf('REGION'));
      expect(line.indexOf(row.state)).toBe(h.indexOf('STATE'));
      expect(line.indexOf(row.start) + row.start.length).toBe(h.indexOf('START') + 'START'.length);
      expect(line.indexOf(row.duration, h.indexOf('START') + 5) + row.duration.length).toBe(
        h.indexOf('DURATION') + 'DURATION'.length,
      );
      expect(line.slice(h.indexOf('MESSAGE'))).toBe(row.message);
    });
  });

  it('cuts long messages to the width, ending them in an ellipsis', () => {
    const lines = formatTimelineTable(rows, { width: 110 }).trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(110);
    const verify = lines.find((line) => line.startsWith('verify')) as string;
    expect(verify.endsWith('…')).toBe(true);
    expect(verify).toContain('  writer endpoint');
    const lagGate = lines.find((line) => line.startsWith('lag-gate')) as string;
    expect(lagGate.endsWith('replication lag 20 ms within 5.0 s')).toBe(true);
  });

  it('writes one line per message, whatever white space it holds', () => {
    const [row] = rows;
    const table = formatTimelineTable([
      { ...(row as (typeof rows)[number]), message: 'first\nsecond\t third' },
    ]);
    expect(table.trimEnd().split('\n')).toHaveLength(2);
    expect(table).toContain('first second third\n');
  });

  it('colours only the state, and only when asked', () => {
    const plain = formatTimelineTable(rows);
    expect(plain).not.toMatch(ANSI);
    const coloured = formatTimelineTable(rows, { color: true });
    expect(coloured).toContain('\u001b[32mSucceeded\u001b[0m');
    expect(coloured.replace(ANSI, '')).toBe(plain);
  });
});
