/** `npx tsx test/bench/controller-only.ts`: only the failover controller section of `npm run bench`. */
import { runSectionsAlone } from './sections.js';

await runSectionsAlone(['controller']);
