/**
 * A pattern with `*` (any run of characters, `/` and `:` included) and `?` (any one character),
 * everything else literal, as a whole-string regular expression. IAM and S3 policies match actions
 * and ARNs this way, and so does Argo CD's util/glob (gobwas/glob without separators) for
 * ignoreDifferences and health customization keys.
 */
export function wildcardRegExp(pattern: string, flags = ''): RegExp {
  const body = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, flags);
}
