/**
 * A throwaway certificate authority for mutual TLS between real components on loopback (Crossplane
 * dialing its composition functions). Made with the openssl CLI: Node can make keys but cannot
 * issue X.509 certificates, and openssl ships with every Debian image (ca-certificates depends on
 * it), so this needs no extra build. Without openssl it fails loudly; it never falls back to
 * plain-text gRPC.
 *
 * Each issued certificate is written as a directory of `tls.crt`, `tls.key` and `ca.crt`: the file
 * names both Crossplane (`--tls-client-certs-dir`) and function-sdk-go (`--tls-certs-dir`) read.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeResult, runCommand } from '../../support/command.js';

export interface CertificateDir {
  dir: string;
  cert: string;
  key: string;
  ca: string;
}

export interface TestCa {
  caFile: string;
  /** A server certificate for 127.0.0.1 (IP SAN, serverAuth). */
  issueServer(name: string): Promise<CertificateDir>;
  /** A client certificate (clientAuth) with this common name. */
  issueClient(name: string): Promise<CertificateDir>;
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(args: string[]): Promise<void> {
  let result: Awaited<ReturnType<typeof runCommand>>;
  try {
    result = await runCommand('openssl', args, { timeoutMs: 30_000 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('openssl not found: the test CA for Crossplane ↔ function mTLS needs it');
    throw error;
  }
  if (result.code !== 0) throw new Error(`openssl ${args[0]} failed: ${describeResult(result)}`);
}

/** Creates the CA (valid one day) under `dir`. */
export async function createTestCa(dir: string): Promise<TestCa> {
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  await openssl([
    'req',
    '-x509',
    ...KEY,
    '-keyout',
    caKey,
    '-out',
    caFile,
    '-days',
    '1',
    '-subj',
    '/CN=switchyard-test-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);

  const issue = async (name: string, extensions: string): Promise<CertificateDir> => {
    const out = join(dir, name);
    mkdirSync(out, { recursive: true });
    const files = {
      dir: out,
      cert: join(out, 'tls.crt'),
      key: join(out, 'tls.key'),
      ca: join(out, 'ca.crt'),
    };
    const request = join(out, 'tls.csr');
    const extFile = join(out, 'extensions.cnf');
    writeFileSync(extFile, extensions);
    await openssl(['req', ...KEY, '-keyout', files.key, '-out', request, '-subj', `/CN=${name}`]);
    await openssl([
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      caFile,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      extFile,
      '-out',
      files.cert,
    ]);
    copyFileSync(caFile, files.ca);
    return files;
  };

  return {
    caFile,
    issueServer: (name) =>
      issue(
        name,
        'subjectAltName=IP:127.0.0.1\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n',
      ),
    issueClient: (name) => issue(name, 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n'),
  };
}
