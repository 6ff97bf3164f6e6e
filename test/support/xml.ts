/**
 * A strict little XML parser for tests of generated SVG: throws on anything that is not well-formed
 * (unbalanced or crossed tags, a bare `<` or `&`, an unknown entity, a duplicate or unquoted attribute,
 * more than one root, control characters) and returns the element tree with entities decoded, so a
 * test can ask what text a picture shows. No DTDs, CDATA or processing instructions beyond the
 * XML declaration: the pictures use none.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (not its descendants'), decoded. */
  text: string;
}

const NAME = /^[A-Za-z_:][\w.:-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids exactly these
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

function decode(raw: string, where: number): string {
  if (raw.includes('<')) throw new Error(`bare "<" in character data near offset ${where}`);
  return raw.replace(/&([^;\s&]*);?/g, (match, body: string) => {
    if (!match.endsWith(';')) throw new Error(`bare "&" near offset ${where}`);
    if (body in ENTITIES) return ENTITIES[body] as string;
    const code = /^#x([0-9a-fA-F]+)$/.exec(body)?.[1] ?? /^#([0-9]+)$/.exec(body)?.[1];
    if (code === undefined) throw new Error(`unknown entity &${body}; near offset ${where}`);
    return String.fromCodePoint(body.startsWith('#x') ? Number.parseInt(code, 16) : Number(code));
  });
}

export function parseXml(source: string): XmlElement {
  if (FORBIDDEN.test(source)) throw new Error('control character not allowed in XML');
  let at = 0;
  const declaration = /^<\?xml\s[^?]*\?>/.exec(source);
  if (declaration) at = declaration[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  while (at < source.length) {
    const next = source.indexOf('<', at);
    const chunk = source.slice(at, next === -1 ? source.length : next);
    const parent = stack.at(-1);
    if (parent) parent.text += decode(chunk, at);
    else if (chunk.trim() !== '') throw new Error(`text outside the root element near offset ${at}`);
    if (next === -1) break;
    at = next;

    if (source.startsWith('<!--', at)) {
      const end = source.indexOf('-->', at + 4);
      if (end === -1) throw new Error(`unterminated comment at offset ${at}`);
      at = end + 3;
      continue;
    }
    if (source.startsWith('</', at)) {
      const name = NAME.exec(source.slice(at + 2))?.[0];
      const close = source.indexOf('>', at);
      if (!name || close === -1 || source.slice(at + 2 + name.length, close).trim() !== '') {
        throw new Error(`malformed end tag at offset ${at}`);
      }
      const open = stack.pop();
      if (!open || open.name !== name) {
        throw new Error(`end tag </${name}> at offset ${at} closes <${open?.name ?? '(nothing)'}>`);
      }
      at = close + 1;
      continue;
    }

    const name = NAME.exec(source.slice(at + 1))?.[0];
    if (!name) throw new Error(`bare "<" or bad tag name at offset ${at}`);
    if (stack.length === 0 && root) throw new Error(`second root element <${name}> at offset ${at}`);
    const element: XmlElement = { name, attributes: {}, children: [], text: '' };
    at += 1 + name.length;
    for (;;) {
      const space = /^\s*/.exec(source.slice(at))?.[0].length ?? 0;
      at += space;
      if (source.startsWith('/>', at) || source.startsWith('>', at)) break;
      if (space === 0)
        throw new Error(`attributes of <${name}> need white space between them at offset ${at}`);
      const attribute = /^([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(source.slice(at));
      if (!attribute) throw new Error(`malformed attribute in <${name}> at offset ${at}`);
      const attributeName = attribute[1] as string;
      if (attributeName in element.attributes) {
        throw new Error(`duplicate attribute ${attributeName} in <${name}> at offset ${at}`);
      }
      element.attributes[attributeName] = decode(attribute[3] ?? attribute[4] ?? '', at);
      at += attribute[0].length;
    }
    const parentElement = stack.at(-1);
    if (parentElement) parentElement.children.push(element);
    else root = element;
    if (source.startsWith('/>', at)) at += 2;
    else {
      at += 1;
      stack.push(element);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)?.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element named `name` in document order, the root included. */
export function elementsNamed(root: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (element: XmlElement) => {
    if (element.name === name) found.push(element);
    for (const child of element.children) visit(child);
  };
  visit(root);
  return found;
}

/** The text of every `<text>` element, in document order: what a reader sees in the picture. */
export function visibleTexts(root: XmlElement): string[] {
  return elementsNamed(root, 'text').map((element) => element.text);
}
