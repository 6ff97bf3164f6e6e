import { wildcardRegExp } from '../../src/common/wildcard.js';

/**
 * argo-cd util/glob.Match (github.com/gobwas/glob without separators), as ignoreDifferences match
 * group and kind: `*` is any run of characters, `?` any one character, everything else literal.
 * Character classes and alternatives are not implemented; such a pattern matches only itself.
 */
export const globMatch = (pattern: string, text: string): boolean => wildcardRegExp(pattern, 's').test(text);
