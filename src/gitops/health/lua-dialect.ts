/**
 * Argo CD parses health scripts as Lua 5.1 (gopher-lua); the in-process interpreter is Lua 5.3 and
 * would accept newer syntax that Argo CD refuses. This refuses the 5.2+ tokens (goto and labels,
 * integer division, bitwise operators) outside strings and comments, so such a script fails in
 * `npm test` as it would in Argo CD.
 */

const NEWER_TOKENS = ['//', '::', '<<', '>>', '&', '|'] as const;

/** The first 5.2+ construct in `source` as an error text naming its line, or undefined. */
export function checkLua51(source: string): string | undefined {
  let line = 1;
  let i = 0;
  const fail = (what: string) => `<string>:${line}: Lua 5.1 (Argo CD's gopher-lua) has no ${what}`;
  while (i < source.length) {
    const rest = source.slice(i);
    const char = source[i] as string;
    const skipped = skipCommentOrString(source, i);
    if (skipped !== undefined) {
      line += countNewlines(source.slice(i, skipped));
      i = skipped;
      continue;
    }
    if (char === '\n') line++;
    const token = NEWER_TOKENS.find((candidate) => rest.startsWith(candidate));
    if (token) return fail(`'${token}'`);
    if (char === '~' && source[i + 1] !== '=') return fail("'~' (bitwise)");
    if (/^goto\b/.test(rest) && !/[\w.]/.test(source[i - 1] ?? '')) return fail("'goto'");
    i++;
  }
  return undefined;
}

const countNewlines = (text: string) => text.split('\n').length - 1;

/** Index just past the comment or string starting at `i`, or undefined when none starts there. */
function skipCommentOrString(source: string, i: number): number | undefined {
  const rest = source.slice(i);
  if (rest.startsWith('--')) {
    const long = longBracketEnd(source, i + 2);
    if (long !== undefined) return long;
    const end = source.indexOf('\n', i);
    return end === -1 ? source.length : end;
  }
  const long = longBracketEnd(source, i);
  if (long !== undefined) return long;
  const quote = source[i];
  if (quote !== '"' && quote !== "'") return undefined;
  let j = i + 1;
  while (j < source.length && source[j] !== quote && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** `[[ … ]]` or `[==[ … ]==]` starting at `i`: the index past its end. */
function longBracketEnd(source: string, i: number): number | undefined {
  const open = /^\[(=*)\[/.exec(source.slice(i));
  if (!open) return undefined;
  const close = `]${open[1]}]`;
  const end = source.indexOf(close, i + open[0].length);
  return end === -1 ? source.length : end + close.length;
}
