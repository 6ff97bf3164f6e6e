import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A generated block of README.md between two HTML comments (`<!-- name:start -->` …
 * `<!-- name:end -->`): the bench table and the chaos summary are rendered from their last run's
 * JSON into one each, and a freshness test compares the two.
 */
export interface ReadmeBlock {
  start: string;
  end: string;
  /** The block currently in `readme`, markers included (undefined when absent). */
  of(readme: string): string | undefined;
  /** `readme` with the block replaced by `block`; throws when the markers are missing. */
  replaceIn(readme: string, block: string): string;
  /** Writes `block` into the README file at `path`; returns whether the file changed. */
  rewrite(path: string, block: string): boolean;
}

export function readmeBlock(name: string): ReadmeBlock {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const bounds = (readme: string) => {
    const from = readme.indexOf(start);
    const to = readme.indexOf(end);
    return from < 0 || to < from ? undefined : { from, to: to + end.length };
  };
  return {
    start,
    end,
    of(readme) {
      const found = bounds(readme);
      return found && readme.slice(found.from, found.to);
    },
    replaceIn(readme, block) {
      const found = bounds(readme);
      if (!found) throw new Error(`README.md has no ${start} … ${end} block to fill`);
      return `${readme.slice(0, found.from)}${block}${readme.slice(found.to)}`;
    },
    rewrite(path, block) {
      const before = readFileSync(path, 'utf8');
      const after = this.replaceIn(before, block);
      if (after !== before) writeFileSync(path, after);
      return after !== before;
    },
  };
}
