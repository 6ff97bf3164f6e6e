/** The picture of the platform: what each region reports, the writer, the region DNS answers. */
import { describe, expect, it } from 'vitest';
import { systemSvg } from '../../../../src/cli/pictures/system-svg.js';
import { elementsNamed, parseXml, visibleTexts, type XmlElement } from '../../../support/xml.js';
import { afterRegionDownSnapshot, healthySnapshot } from './snapshots.js';

const WIDTH = 800;
const DNS_COLOUR = '#6a1b9a';

/** The x a path's last point ends at. */
function pathEndX(path: XmlElement): number {
  const numbers = (path.attributes.d ?? '').match(/-?[\d.]+/g) ?? [];
  return Number(numbers.at(-2));
}

/** The region frames: the rounded rects with a 2 px stroke, left to right. */
function regionFrames(svg: XmlElement): XmlElement[] {
  return elementsNamed(svg, 'rect').filter((rect) => rect.attributes['stroke-width'] === '2');
}

const within = (x: number, frame: XmlElement | undefined) =>
  x >= Number(frame?.attributes.x) && x <= Number(frame?.attributes.x) + Number(frame?.attributes.width);

/** The text elements showing exactly `content`. */
const textsOf = (svg: XmlElement, content: string) =>
  elementsNamed(svg, 'text').filter((t) => t.text === content);

describe('systemSvg', () => {
  it('is a well-formed, standalone SVG, the same bytes for the same input', () => {
    const source = systemSvg(healthySnapshot());
    expect(systemSvg(healthySnapshot())).toBe(source);
    const svg = parseXml(source);
    expect(svg.attributes.width).toBe(String(WIDTH));
    expect(source).not.toMatch(/<script|<image|href=|@import|url\((?!#sy-)/);
    // Readable at README width: no text below 10 px, none starting outside the picture.
    for (const t of elementsNamed(svg, 'text')) {
      expect(Number(t.attributes['font-size'] ?? 12)).toBeGreaterThanOrEqual(10);
      expect(Number(t.attributes.x)).toBeGreaterThanOrEqual(0);
      expect(Number(t.attributes.x)).toBeLessThanOrEqual(WIDTH);
    }
  });

  it("shows each region's cluster and AWS side by side, the writer as primary, replication and DNS towards it", () => {
    const svg = parseXml(systemSvg(healthySnapshot()));
    const texts = visibleTexts(svg);
    expect(texts).toEqual(
      expect.arrayContaining([
        'environments repo (git)',
        '.switchyard/environments.git @ 3f9c2a1',
        'us-east-1',
        'us-east-2',
        'https://127.0.0.1:6443',
        'https://127.0.0.1:6444',
        'synced 3f9c2a1',
        '14/14 resources ready',
        'writer',
        'reader',
        '6/6 in service',
        '1/1 in service',
        'trading.example.com → us-east-1',
        'AWS simulator: http://127.0.0.1:4566',
      ]),
    );
    const [east1, east2] = regionFrames(svg);
    expect(Number(east1?.attributes.x)).toBeLessThan(Number(east2?.attributes.x));
    expect(within(Number(textsOf(svg, 'PRIMARY · WRITER')[0]?.attributes.x), east1)).toBe(true);
    expect(within(Number(textsOf(svg, 'STANDBY')[0]?.attributes.x), east2)).toBe(true);
    const dns = elementsNamed(svg, 'path').filter((p) => p.attributes.stroke === DNS_COLOUR);
    expect(dns).toHaveLength(1);
    expect(within(pathEndX(dns[0] as XmlElement), east1)).toBe(true);
    const replication = elementsNamed(svg, 'line').find(
      (l) => l.attributes['marker-end'] === 'url(#sy-arrow-blue)',
    );
    // From us-east-1's writer towards us-east-2's reader.
    expect(Number(replication?.attributes.x2)).toBeGreaterThan(Number(replication?.attributes.x1));
    expect(textsOf(svg, 'DOWN')).toEqual([]);
  });

  it('draws a region that does not answer as down, and DNS and the writer moved to the survivor', () => {
    const svg = parseXml(systemSvg(afterRegionDownSnapshot()));
    const texts = visibleTexts(svg);
    const [east1, east2] = regionFrames(svg);
    expect(east1?.attributes['stroke-dasharray']).toBe('6 4');
    expect(east1?.attributes.stroke).toBe('#c62828');
    expect(east2?.attributes['stroke-dasharray']).toBeUndefined();
    expect(within(Number(textsOf(svg, 'DOWN')[0]?.attributes.x), east1)).toBe(true);
    expect(within(Number(textsOf(svg, 'PRIMARY · WRITER')[0]?.attributes.x), east2)).toBe(true);
    expect(texts.filter((t) => t === 'unreachable')).toHaveLength(8);
    expect(texts).toContain('at abc1234, HEAD 3f9c2a1');
    expect(texts).toContain('13/14 resources ready');
    expect(texts).toContain('trading.example.com → us-east-2');
    const dns = elementsNamed(svg, 'path').find((p) => p.attributes.stroke === DNS_COLOUR) as XmlElement;
    expect(within(pathEndX(dns), east2)).toBe(true);
    // No live replication arrow into a region that is gone.
    expect(elementsNamed(svg, 'line').some((l) => l.attributes['marker-end'] === 'url(#sy-arrow-blue)')).toBe(
      false,
    );
  });

  it('escapes what it is given', () => {
    const snapshot = healthySnapshot();
    snapshot.repo.path = '/tmp/<repo> & "x"';
    snapshot.dns.name = "a&b'<c>";
    snapshot.title = 'Switchyard <&"> demo';
    const source = systemSvg(snapshot);
    const texts = visibleTexts(parseXml(source));
    expect(texts).toContain('Switchyard <&"> demo');
    expect(texts).toContain(`/tmp/<repo> & "x" @ 3f9c2a1`);
    expect(texts).toContain("a&b'<c> → us-east-1");
  });

  it('says when DNS answers no region', () => {
    const snapshot = healthySnapshot();
    snapshot.dns = { name: 'trading.example.com' };
    const svg = parseXml(systemSvg(snapshot));
    expect(visibleTexts(svg)).toContain('trading.example.com → no answer');
    expect(elementsNamed(svg, 'path').some((p) => p.attributes.stroke === DNS_COLOUR)).toBe(false);
  });
});
