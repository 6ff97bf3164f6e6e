/** The well-formedness check the picture tests rely on refuses what an XML parser refuses. */
import { describe, expect, it } from 'vitest';
import { parseXml, visibleTexts } from '../../../support/xml.js';

describe('parseXml (test support)', () => {
  it('returns the tree with entities decoded', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<svg a="x &amp; &quot;y&quot;"><text>&lt;b&gt; &#65;&#x42;</text><g/></svg>\n',
    );
    expect(root.name).toBe('svg');
    expect(root.attributes.a).toBe('x & "y"');
    expect(visibleTexts(root)).toEqual(['<b> AB']);
    expect(root.children.map((c) => c.name)).toEqual(['text', 'g']);
  });

  it.each([
    ['an unclosed element', '<svg><g></svg>'],
    ['crossed tags', '<svg><g><text></g></text></svg>'],
    ['a bare <', '<svg><text>a < b</text></svg>'],
    ['a bare &', '<svg><text>a & b</text></svg>'],
    ['an unknown entity', '<svg><text>&nbsp;</text></svg>'],
    ['an unquoted attribute', '<svg width=10></svg>'],
    ['a duplicate attribute', '<svg a="1" a="2"></svg>'],
    ['a < in an attribute', '<svg a="<"></svg>'],
    ['two roots', '<svg></svg><svg></svg>'],
    ['text outside the root', '<svg></svg>tail'],
    ['a control character', '<svg><text>\u0007</text></svg>'],
    ['nothing', ''],
  ])('refuses %s', (_, source) => {
    expect(() => parseXml(source)).toThrow();
  });
});
