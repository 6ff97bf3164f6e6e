/** `npx tsx test/bench/controller-only.ts`: only the failover controller section of `npm run bench`. */
import { controllerLines, measureController } from './controller.js';

process.stdout.write(`${controllerLines(await measureController()).join('\n')}\n`);
