import { PassThrough, Readable } from 'node:stream';
import type { CommandIo } from '../../src/cli/io.js';

/** In-memory streams for running a CLI command inside a test. */
export function memoryIo(stdinText = ''): CommandIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => outChunks.push(chunk));
  stderr.on('data', (chunk: Buffer) => errChunks.push(chunk));
  return {
    stdout,
    stderr,
    stdin: Readable.from([stdinText]),
    out: () => Buffer.concat(outChunks).toString('utf8'),
    err: () => Buffer.concat(errChunks).toString('utf8'),
  };
}
