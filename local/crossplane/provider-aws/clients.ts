import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';

/** The simulator's fixed local credentials (local/aws accepts any signed request unless a policy is set). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'AKIDSWITCHYARD', secretAccessKey: 'local' } as const;

interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: typeof LOCAL_CREDENTIALS;
  maxAttempts: number;
}

const CONSTRUCTORS = {
  autoscaling: (c: ClientConfig) => new AutoScalingClient(c),
  cloudwatch: (c: ClientConfig) => new CloudWatchClient(c),
  dynamodb: (c: ClientConfig) => new DynamoDBClient(c),
  elbv2: (c: ClientConfig) => new ElasticLoadBalancingV2Client(c),
  rds: (c: ClientConfig) => new RDSClient(c),
  route53: (c: ClientConfig) => new Route53Client(c),
  s3: (c: ClientConfig) => new S3Client({ ...c, forcePathStyle: true }),
} as const;

export type ServiceName = keyof typeof CONSTRUCTORS;
type ClientOf<S extends ServiceName> = ReturnType<(typeof CONSTRUCTORS)[S]>;

/**
 * One SDK v3 client per service and region, against the simulator's endpoint. Few attempts: the
 * reconciler retries on its own schedule, so a refused call (region down) should fail fast.
 */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly endpoint: string) {}

  get<S extends ServiceName>(service: S, region: string): ClientOf<S> {
    const key = `${service}/${region}`;
    let client = this.cache.get(key) as ClientOf<S> | undefined;
    if (!client) {
      client = CONSTRUCTORS[service]({
        endpoint: this.endpoint,
        region,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 2,
      }) as ClientOf<S>;
      this.cache.set(key, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.cache.values()) (client as { destroy(): void }).destroy();
    this.cache.clear();
  }
}
