/**
 * The few SVG building blocks the pictures share. Everything is a string so the output is the same
 * bytes for the same input: no ids from counters, no clocks, numbers rounded to one place.
 */

export type Attributes = Record<string, string | number | undefined>;

/** System font stacks: a picture in a README must not fetch fonts. */
export const SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
export const MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";

/** XML 1.0 forbids these control characters outright, even escaped. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to remove them
const FORBIDDEN_IN_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

export function escapeXml(text: string): string {
  return text
    .replace(FORBIDDEN_IN_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** One decimal place is below a pixel's worth at README width; `-0` would differ from `0`. */
export function num(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function attributeText(attributes: Attributes): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`)
    .join('');
}

/** An element; `children` is markup already (from `element`/`text`), never raw user text. */
export function element(name: string, attributes: Attributes, children: string | string[] = ''): string {
  const body = Array.isArray(children) ? children.join('') : children;
  return body === ''
    ? `<${name}${attributeText(attributes)}/>`
    : `<${name}${attributeText(attributes)}>${body}</${name}>`;
}

/** A text element; `content` is escaped here. */
export function text(x: number, y: number, content: string, attributes: Attributes = {}): string {
  return element('text', { x, y, ...attributes }, escapeXml(content));
}

/** Rough width of sans-serif text; generous so that labels laid out by it do not collide. */
export function textWidth(content: string, fontSize: number): number {
  return [...content].length * fontSize * 0.6;
}

/** `content` cut to fit `maxWidth` (by {@link textWidth}), ending in an ellipsis when cut. */
export function fitText(content: string, fontSize: number, maxWidth: number): string {
  const characters = [...content];
  const fits = Math.floor(maxWidth / (fontSize * 0.6));
  if (characters.length <= fits) return content;
  return `${characters.slice(0, Math.max(0, fits - 1)).join('')}…`;
}

export interface SvgDocument {
  width: number;
  height: number;
  /** Read by screen readers and shown as the tooltip of the picture. */
  title: string;
  description?: string;
  body: string[];
  /** Shared definitions (markers, patterns); their ids must be unique within the picture. */
  defs?: string[];
}

export function svgDocument(doc: SvgDocument): string {
  const head = [
    element('title', {}, escapeXml(doc.title)),
    doc.description ? element('desc', {}, escapeXml(doc.description)) : '',
    doc.defs && doc.defs.length > 0 ? element('defs', {}, doc.defs) : '',
  ];
  const open = `<svg${attributeText({
    xmlns: 'http://www.w3.org/2000/svg',
    width: doc.width,
    height: doc.height,
    viewBox: `0 0 ${num(doc.width)} ${num(doc.height)}`,
    'font-family': SANS,
    'font-size': 12,
    role: 'img',
  })}>`;
  // One top-level element a line, so a regenerated picture diffs readably.
  const lines = [
    ...head.filter((line) => line !== ''),
    element('rect', { width: doc.width, height: doc.height, fill: '#ffffff' }),
    ...doc.body,
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n${open}\n${lines.join('\n')}\n</svg>\n`;
}
