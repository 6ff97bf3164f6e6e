/**
 * A second process for the state-lock tests: takes the lock on argv[2], says so on stdout, then
 * holds it until told on stdin: `release` releases and waits, `exit` exits (the exit hook releases).
 */
import { acquireStateLock, StateLockError } from '../../../local/state-lock.js';

const dir = process.argv[2] ?? '';
try {
  const lock = acquireStateLock(dir);
  process.stdout.write(`locked ${process.pid}\n`);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    if (text.includes('release')) {
      lock.release();
      process.stdout.write('released\n');
    }
    if (text.includes('exit')) process.exit(0);
  });
} catch (error) {
  process.stdout.write(`refused ${error instanceof StateLockError ? error.message : String(error)}\n`);
  process.exit(3);
}
