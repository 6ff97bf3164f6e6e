/**
 * argo-cd util/glob.Match (github.com/gobwas/glob without separators), as ignoreDifferences match
 * group and kind: `*` is any run of characters, `?` any one character, everything else literal.
 * Character classes and alternatives are not implemented; such a pattern matches only itself.
 */
export function globMatch(pattern: string, text: string): boolean {
  const source = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^$()|[\]{}\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(text);
}
