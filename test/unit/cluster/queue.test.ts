import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../../local/cluster/queue.js';
import { sleep } from '../../support/wait.js';

const log = pino({ level: 'silent' });

describe('WorkQueue', () => {
  it('works a key queued many times once, and again when it changed while being worked', async () => {
    const worked: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queue = new WorkQueue(
      async (key) => {
        worked.push(key);
        if (worked.length === 1) await gate;
        return undefined;
      },
      { name: 'test', log },
    );
    queue.add('a');
    queue.add('a');
    await sleep(0);
    queue.add('a'); // while a is worked: once more afterwards, not concurrently
    queue.add('a');
    release();
    await queue.whenIdle();
    await sleep(0);
    await queue.whenIdle();
    expect(worked).toEqual(['a', 'a']);
  });

  it('retries a failing key with growing backoff while the others proceed', async () => {
    const attempts: number[] = [];
    const done: string[] = [];
    const queue = new WorkQueue(
      async (key) => {
        if (key === 'bad') {
          attempts.push(Date.now());
          throw new Error('AccessDenied');
        }
        done.push(key);
        return undefined;
      },
      { name: 'test', log, baseBackoffMs: 20, maxBackoffMs: 1_000 },
    );
    queue.add('bad');
    queue.add('good-1');
    queue.add('good-2');
    await queue.whenIdle();
    expect(done).toEqual(['good-1', 'good-2']);
    expect(queue.hasWorkDueWithin(100)).toBe(true);
    await sleep(200);
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    const gaps = attempts.slice(1).map((time, index) => time - (attempts[index] ?? 0));
    expect(gaps[1]).toBeGreaterThan(gaps[0] ?? 0);
    await queue.stop();
    expect(queue.hasWorkDueWithin(10_000)).toBe(false);
  });

  it('comes back to a key that asks for it', async () => {
    let count = 0;
    const queue = new WorkQueue(
      async () => {
        count++;
        return count < 3 ? { requeueAfterMs: 10 } : undefined;
      },
      { name: 'test', log },
    );
    queue.add('creating');
    await sleep(100);
    expect(count).toBe(3);
    await queue.stop();
  });
});
