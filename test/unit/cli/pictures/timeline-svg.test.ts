/**
 * The failover timeline picture: a well-formed, deterministic SVG with a bar per step, the caller's
 * markers on the same axis, and text escaped.
 */
import { describe, expect, it } from 'vitest';
import { STATE_FILL, type TimelineMarker, timelineSvg } from '../../../../src/cli/pictures/timeline-svg.js';
import { elementsNamed, parseXml, visibleTexts, type XmlElement } from '../../../support/xml.js';
import { cutAfter, succeededSwitchover } from './failovers.js';

const MARKERS: TimelineMarker[] = [
  { at: '2026-12-03T10:42:10.000Z', label: 'DNS answers us-east-2', kind: 'traffic' },
  { at: '2026-12-03T10:41:08.400Z', label: 'region-down us-east-1', kind: 'fault' },
];

/** The step bars: the rects that carry a tooltip. */
function bars(svg: XmlElement): XmlElement[] {
  return elementsNamed(svg, 'rect').filter((rect) => rect.children.some((child) => child.name === 'title'));
}

const num = (value: string | undefined) => Number(value);

describe('timelineSvg', () => {
  it('is a well-formed SVG, the same bytes for the same input', () => {
    const first = timelineSvg(succeededSwitchover(), { markers: MARKERS });
    expect(timelineSvg(succeededSwitchover(), { markers: [...MARKERS].reverse() })).toBe(first);
    const svg = parseXml(first);
    expect(svg.name).toBe('svg');
    expect(svg.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(svg.attributes.width).toBe('800');
    // Standalone: nothing fetched, nothing run.
    expect(first).not.toMatch(/<script|<image|href=|@import|url\(/);
  });

  it('names the execution: its name, type, target, phase and measured recovery', () => {
    const texts = visibleTexts(parseXml(timelineSvg(succeededSwitchover())));
    expect(texts[0]).toBe('trading-switchover-2026-11-25');
    expect(texts[1]).toBe(
      'Switchover to us-east-2 · Succeeded · recovery time 0 s · start to completion 364 ms',
    );
  });

  it('draws a bar per step in start order, as long as the step took, labelled with name, region and duration', () => {
    const failover = succeededSwitchover();
    const svg = parseXml(timelineSvg(failover));
    const texts = visibleTexts(svg);
    for (const entry of failover.status?.journal ?? []) expect(texts).toContain(entry.name);
    expect(texts.filter((t) => t === 'us-east-1')).toHaveLength(4);
    expect(texts.filter((t) => t === 'us-east-2')).toHaveLength(6);
    for (const duration of ['21 ms', '49 ms', '10 ms', '17 ms']) expect(texts).toContain(duration);

    const drawn = bars(svg);
    expect(drawn).toHaveLength(10);
    for (const bar of drawn) expect(bar.attributes.fill).toBe(STATE_FILL.Succeeded);
    const xs = drawn.map((bar) => num(bar.attributes.x));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    const width = (i: number) => num(drawn[i]?.attributes.width);
    // lag-gate took 49 ms, wait-writer 14 ms: 3.5 times as long, within rounding.
    expect(width(1) / width(4)).toBeCloseTo(49 / 14, 0);
    expect(drawn[1]?.children[0]?.text).toBe('lag-gate (Succeeded): replication lag 20 ms within 5.0 s');
  });

  it("shows the caller's markers with their offset, before and after the steps, cutting the idle time", () => {
    const svg = parseXml(timelineSvg(succeededSwitchover(), { markers: MARKERS }));
    const texts = visibleTexts(svg);
    expect(texts).toContain('region-down us-east-1 (−31.6 s)');
    expect(texts).toContain('DNS answers us-east-2 (+30.0 s)');
    const markerLine = (colour: string) =>
      elementsNamed(svg, 'line').find(
        (line) => line.attributes.stroke === colour && line.attributes['stroke-dasharray'] === '4 3',
      );
    const fault = num(markerLine('#c62828')?.attributes.x1);
    const dns = num(markerLine('#6a1b9a')?.attributes.x1);
    const drawn = bars(svg);
    expect(fault).toBeLessThan(num(drawn[0]?.attributes.x));
    const last = drawn.at(-1) as XmlElement;
    expect(dns).toBeGreaterThan(num(last.attributes.x) + num(last.attributes.width));
    // The 31.6 s before the start and the 29.6 s after completion are cut, and say how long they were.
    expect(texts).toContain('31.6 s');
    expect(texts).toContain('29.6 s');
    expect(texts).toContain('time cut from the axis (length below it)');
    expect(visibleTexts(parseXml(timelineSvg(succeededSwitchover())))).not.toContain(
      'time cut from the axis (length below it)',
    );
  });

  it('escapes names, messages and marker labels', () => {
    const failover = succeededSwitchover();
    failover.metadata.name = 'a<b & "c"';
    const first = failover.status?.journal?.[0];
    if (first) first.message = "x < y && z > 'w'";
    const source = timelineSvg(failover, {
      markers: [{ at: '2026-12-03T10:41:40.100Z', label: '<script>&"' }],
    });
    const svg = parseXml(source);
    expect(visibleTexts(svg)[0]).toBe('a<b & "c"');
    expect(visibleTexts(svg)).toContain('<script>&" (+0.110 s)');
    expect(bars(svg)[0]?.children[0]?.text).toBe("preflight (Succeeded): x < y && z > 'w'");
    expect(elementsNamed(svg, 'title')[0]?.text).toContain('a<b & "c"');
    expect(source).not.toContain('<script>');
  });

  it('draws a running step open-ended, measured to the clock when given', () => {
    const failover = cutAfter(
      3,
      ({ finishedAt: _, ...entry }) => ({ ...entry, state: 'Running' }),
      'Running',
    );
    const open = parseXml(timelineSvg(failover));
    expect(bars(open).at(-1)?.attributes.fill).toBe(STATE_FILL.Running);
    expect(visibleTexts(open)).toContain('running');
    const tail = elementsNamed(open, 'line').find((line) => line.attributes.stroke === STATE_FILL.Running);
    expect(tail?.attributes['stroke-dasharray']).toBe('3 3');
    expect(num(tail?.attributes.x2)).toBeGreaterThan(num(tail?.attributes.x1));

    const measured = parseXml(timelineSvg(failover, { now: '2026-12-03T10:41:42.523Z' }));
    const texts = visibleTexts(measured);
    expect(texts).toContain('running 2.4 s');
    expect(texts[1]).toBe('Switchover to us-east-2 · Running · running for 2.5 s');
    const bar = bars(measured).at(-1) as XmlElement;
    const done = bars(measured)[1] as XmlElement; // lag-gate: 49 ms
    expect(num(bar.attributes.width)).toBeGreaterThan(10 * num(done.attributes.width));
  });

  it('draws a failed step in red with its attempts, and names the steps not started', () => {
    const failover = cutAfter(
      4,
      (entry) => ({ ...entry, state: 'Failed', attempts: 3, message: 'SwitchoverGlobalCluster: timed out' }),
      'Failed',
    );
    failover.status?.journal?.push({ name: 'wait-writer', state: 'Pending', attempts: 0 });
    const svg = parseXml(timelineSvg(failover));
    const drawn = bars(svg);
    expect(drawn).toHaveLength(4);
    expect(drawn[3]?.attributes.fill).toBe(STATE_FILL.Failed);
    const texts = visibleTexts(svg);
    expect(texts).toContain('26 ms · 3 attempts');
    expect(texts).toContain('wait-writer');
    expect(texts).toContain('pending');
    expect(texts).toEqual(expect.arrayContaining(['Succeeded', 'Failed', 'Pending']));
    expect(texts).not.toContain('Running');
  });

  it('draws an execution without a journal', () => {
    const failover = succeededSwitchover();
    failover.status = undefined;
    const texts = visibleTexts(parseXml(timelineSvg(failover)));
    expect(texts).toContain('no steps yet');
    expect(texts[1]).toBe('Switchover to us-east-2 · not started');
  });
});
