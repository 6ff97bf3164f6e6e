/**
 * Just enough XML for AWS wire formats: an emitter for responses (so every element name is visible
 * in the service code) and a small parser for the request bodies Route 53 and S3 receive.
 */

/** Already-serialised XML; only this module creates it, so text is always escaped. */
export class Xml {
  constructor(readonly raw: string) {}
  toString(): string {
    return this.raw;
  }
}

export type XmlValue = string | number | boolean | Date | Xml | undefined | null | readonly XmlValue[];

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function serialise(value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Xml) return value.raw;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(serialise).join('');
  return escapeXml(String(value));
}

/** `<name>value</name>`, or nothing when the value is undefined/null (AWS omits absent fields). */
export function el(name: string, value: XmlValue): Xml {
  if (value === undefined || value === null) return new Xml('');
  return new Xml(`<${name}>${serialise(value)}</${name}>`);
}

/** One element per key, in key order. */
export function fields(record: Record<string, XmlValue>): Xml {
  return new Xml(
    Object.entries(record)
      .map(([name, value]) => el(name, value).raw)
      .join(''),
  );
}

/** `<item>…</item><item>…</item>`: the inside of a list element, for use as a field value. */
export function items<T>(itemName: string, values: readonly T[], render: (value: T) => XmlValue): Xml {
  return new Xml(values.map((value) => el(itemName, render(value)).raw).join(''));
}

export function document(root: string, namespace: string, body: XmlValue): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${namespace}">${serialise(body)}</${root}>`;
}

// ---------------------------------------------------------------------------------------------
// Parsing

export interface XmlElement {
  /** Local name (namespace prefix dropped). */
  name: string;
  children: XmlElement[];
  /** Concatenated text directly inside the element, entities decoded. */
  text: string;
}

export class XmlSyntaxError extends Error {}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

/** Parses a document into its root element; throws XmlSyntaxError on malformed input. */
export function parseXml(source: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const textEnd = lt === -1 ? source.length : lt;
    if (textEnd > i) {
      const top = stack.at(-1);
      const text = source.slice(i, textEnd);
      if (top) top.text += decodeEntities(text);
      else if (text.trim()) throw new XmlSyntaxError('text outside the root element');
    }
    if (lt === -1) break;
    if (source.startsWith('<?', lt)) {
      i = endOf(source, '?>', lt);
    } else if (source.startsWith('<!--', lt)) {
      i = endOf(source, '-->', lt);
    } else if (source.startsWith('<![CDATA[', lt)) {
      const end = source.indexOf(']]>', lt);
      if (end === -1) throw new XmlSyntaxError('unterminated CDATA');
      const top = stack.at(-1);
      if (top) top.text += source.slice(lt + 9, end);
      i = end + 3;
    } else if (source.startsWith('<!', lt)) {
      i = endOf(source, '>', lt);
    } else if (source.startsWith('</', lt)) {
      const gt = source.indexOf('>', lt);
      if (gt === -1) throw new XmlSyntaxError('unterminated end tag');
      const name = localName(source.slice(lt + 2, gt).trim());
      const open = stack.pop();
      if (!open || open.name !== name) throw new XmlSyntaxError(`unexpected </${name}>`);
      i = gt + 1;
    } else {
      const gt = source.indexOf('>', lt);
      if (gt === -1) throw new XmlSyntaxError('unterminated start tag');
      const selfClosing = source[gt - 1] === '/';
      const inner = source.slice(lt + 1, selfClosing ? gt - 1 : gt).trim();
      const nameMatch = /^[^\s/>]+/.exec(inner);
      if (!nameMatch) throw new XmlSyntaxError('element without a name');
      const element: XmlElement = { name: localName(nameMatch[0]), children: [], text: '' };
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) throw new XmlSyntaxError('more than one root element');
      else root = element;
      if (!selfClosing) stack.push(element);
      i = gt + 1;
    }
  }
  if (!root || stack.length > 0) throw new XmlSyntaxError('incomplete document');
  return root;
}

function endOf(source: string, terminator: string, from: number): number {
  const end = source.indexOf(terminator, from);
  if (end === -1) throw new XmlSyntaxError(`missing ${terminator}`);
  return end + terminator.length;
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => c.name === name) ?? [];
}

/** Trimmed text of a direct child, or undefined when the child is absent. */
export function textOf(element: XmlElement | undefined, name: string): string | undefined {
  const found = child(element, name);
  return found ? found.text.trim() : undefined;
}
