/** `npm run chaos:readme`: the README's chaos summary, from chaos/results/latest.json. */
import { LATEST_JSON, updateReadme } from './report.js';

process.stdout.write(
  updateReadme()
    ? `README.md: chaos summary rewritten from ${LATEST_JSON}\n`
    : 'README.md: chaos summary up to date\n',
);
