/** `npm run bench:readme`: the README's table of figures vs goals, from bench/results/latest.json. */
import { LATEST_JSON, updateReadme } from './results.js';

process.stdout.write(
  updateReadme()
    ? `README.md: bench table rewritten from ${LATEST_JSON}\n`
    : 'README.md: bench table up to date\n',
);
