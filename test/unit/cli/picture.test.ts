/**
 * `switchyard picture` draws the README's pictures from files: a Failover as kubectl prints it, a
 * platform snapshot as JSON. Same pictures as the library functions; bad input is one line and a
 * non-zero exit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/cli/commands.js';
import { systemSvg } from '../../../src/cli/pictures/system-svg.js';
import { formatTimelineTable, timelineRows } from '../../../src/cli/pictures/timeline.js';
import { timelineSvg } from '../../../src/cli/pictures/timeline-svg.js';
import { memoryIo } from '../../support/memory-io.js';
import { succeededSwitchover } from './pictures/failovers.js';
import { healthySnapshot } from './pictures/snapshots.js';

// The Switchover the picture tests draw (a capture from a controller run; see pictures/failovers.ts).
const SUCCEEDED = 'test/unit/cli/pictures/succeeded-switchover.yaml';
const dir = mkdtempSync(join(tmpdir(), 'switchyard-picture-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function picture(args: string[], stdin = '') {
  const io = memoryIo(stdin);
  const code = await runCommand(['picture', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('switchyard picture timeline', () => {
  it("writes the Failover's timeline SVG with the markers given, and prints its table on request", async () => {
    const out = join(dir, 'timeline.svg');
    const result = await picture([
      'timeline',
      SUCCEEDED,
      '--marker',
      'fault,2026-12-03T10:41:08.400Z,region-down us-east-1',
      '--marker',
      'traffic,2026-12-03T10:42:10Z,DNS answers us-east-2, finally',
      '--table',
      '--out',
      out,
    ]);
    expect(result).toMatchObject({ code: 0, err: `switchyard picture: wrote ${out}\n` });
    expect(result.out).toBe(formatTimelineTable(timelineRows(succeededSwitchover())));
    expect(readFileSync(out, 'utf8')).toBe(
      timelineSvg(succeededSwitchover(), {
        markers: [
          { kind: 'fault', at: '2026-12-03T10:41:08.400Z', label: 'region-down us-east-1' },
          { kind: 'traffic', at: '2026-12-03T10:42:10Z', label: 'DNS answers us-east-2, finally' },
        ],
      }),
    );
  });

  it('reads the Failover from stdin and writes the SVG to stdout', async () => {
    const result = await picture(['timeline', '-'], readFileSync(SUCCEEDED, 'utf8'));
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(timelineSvg(succeededSwitchover()));
  });

  it.each([
    [['timeline', SUCCEEDED, '--marker', 'boom,2026-12-03T10:41:08Z,x'], 2, /expected <kind>,<time>,<label>/],
    [['timeline', SUCCEEDED, '--marker', 'fault,yesterday,x'], 2, /"yesterday" is not an RFC 3339 time/],
    [['timeline', SUCCEEDED, '--now', 'soon'], 2, /--now "soon"/],
    [['timeline'], 2, /usage: switchyard picture timeline/],
    [['sideways', SUCCEEDED], 2, /usage:/],
    [['timeline', SUCCEEDED, '--colour'], 2, /Unknown option '--colour'/],
    [['timeline', join(dir, 'missing.yaml')], 1, /ENOENT/],
    [['timeline', 'package.json'], 1, /package\.json is not a Failover: /],
  ])('refuses %j with exit %i', async (args, code, message) => {
    const result = await picture(args);
    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
    expect(result.out).toBe('');
  });
});

describe('switchyard picture system', () => {
  it('draws the platform from a JSON snapshot', async () => {
    const file = join(dir, 'snapshot.json');
    writeFileSync(file, JSON.stringify(healthySnapshot()));
    const result = await picture(['system', file]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(systemSvg(healthySnapshot()));
  });

  it('names the field of a snapshot it cannot draw', async () => {
    const snapshot = healthySnapshot();
    const bad = { ...snapshot, regions: [{ ...snapshot.regions[0], aws: { aurora: 'primary' } }] };
    const result = await picture(['system', '-'], JSON.stringify(bad));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^switchyard picture: - is not a platform snapshot: regions\.0\.aws\.aurora: /,
    );
    expect(result.out).toBe('');
  });

  it('refuses timeline options and JSON that does not parse', async () => {
    expect((await picture(['system', '-', '--table'], '{}')).code).toBe(2);
    const broken = await picture(['system', '-'], '{');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^switchyard picture: -: /);
  });
});
