import { request } from 'node:http';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { type AwsSimulator, type AwsSimulatorOptions, startAwsSimulator } from '../../local/aws/index.js';

export const credentials = { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator-secret' };

/** Settings every SDK client in these tests shares: no retries, so faults show on the first call. */
export function clientConfig(sim: AwsSimulator, region: string) {
  return { endpoint: sim.url, region, credentials, maxAttempts: 1 };
}

export function rdsClient(sim: AwsSimulator, region: string): RDSClient {
  return new RDSClient(clientConfig(sim, region));
}

export function s3Client(sim: AwsSimulator, region: string): S3Client {
  return new S3Client({ ...clientConfig(sim, region), forcePathStyle: true });
}

export function route53Client(sim: AwsSimulator): Route53Client {
  return new Route53Client(clientConfig(sim, 'us-east-1'));
}

export function cloudWatchClient(sim: AwsSimulator, region: string): CloudWatchClient {
  return new CloudWatchClient(clientConfig(sim, region));
}

export function autoScalingClient(sim: AwsSimulator, region: string): AutoScalingClient {
  return new AutoScalingClient(clientConfig(sim, region));
}

/** A simulator where a simulated minute lasts 6 real milliseconds. */
export function fastSimulator(options: AwsSimulatorOptions = {}): Promise<AwsSimulator> {
  return startAwsSimulator({ timeScale: 0.0001, ...options });
}

/** Runs `call` and returns the error it rejects with; fails the test if it resolves. */
export async function rejectionOf(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A plain GET with a chosen Host header (fetch does not let a caller set Host). */
export function httpGet(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
