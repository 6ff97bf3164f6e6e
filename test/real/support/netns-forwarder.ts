/**
 * Runs inside a test's network namespace (netns.ts starts it with nsenter): accepts connections on
 * a Unix socket, which the host side can reach because Unix sockets live in the file system, not
 * in a network namespace, reads the target port as one line ("6443\n") and then pipes the
 * connection to 127.0.0.1:<port> inside the namespace.
 *
 *   node --import tsx netns-forwarder.ts <socket path>
 */
import { connect, createServer, type Socket } from 'node:net';

const [socketPath] = process.argv.slice(2);
if (!socketPath) {
  process.stderr.write('usage: netns-forwarder <unix socket path>\n');
  process.exit(2);
}

/** Reads the header line, then hands the rest of the stream to the loopback port it names. */
function forward(client: Socket): void {
  let header = '';
  const onData = (chunk: Buffer) => {
    header += chunk.toString('latin1');
    const end = header.indexOf('\n');
    if (end < 0) {
      if (header.length > 16) client.destroy();
      return;
    }
    client.off('data', onData);
    client.pause();
    const port = Number(header.slice(0, end));
    const rest = Buffer.from(header.slice(end + 1), 'latin1');
    const upstream = connect({ host: '127.0.0.1', port }, () => {
      if (rest.length > 0) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', close);
    client.on('error', close);
    upstream.on('close', close);
    client.on('close', close);
  };
  client.on('data', onData);
  client.on('error', () => client.destroy());
}

const server = createServer(forward);
server.listen(socketPath, () => process.stdout.write(`netns-forwarder listening on ${socketPath}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
