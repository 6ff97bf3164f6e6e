import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeGlobalClustersCommand, FailoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsSimulator } from '../../local/aws/index.js';
import { startFromArgs } from '../../src/cli/aws.js';
import { runCommand } from '../../src/cli/commands.js';
import { examplePlan as plan } from '../controller/estate.js';
import { memoryIo } from '../support/memory-io.js';
import { waitFor } from '../support/wait.js';
import { createTwoRegionGlobalCluster } from './aurora-fixture.js';
import { cloudWatchClient, rdsClient } from './support.js';

let sim: AwsSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function startViaCli(args: string[]): Promise<AwsSimulator> {
  const io = memoryIo();
  const started = await startFromArgs(args, io);
  if (typeof started === 'number') throw new Error(`aws exited ${started}: ${io.err()}`);
  expect(io.out()).toMatch(/^AWS simulator ready at http:\/\/127\.0\.0\.1:\d+ /m);
  return started;
}

describe('switchyard aws / chaos / journal', () => {
  it('the by-hand scenario: region-down us-east-1, failover via us-east-2, the journal shows it', async () => {
    sim = await startViaCli(['--time-scale', '0.0001']);
    const { east2, secondaryArn } = await createTwoRegionGlobalCluster(sim);

    const chaos = memoryIo();
    expect(await runCommand(['chaos', '--aws', sim.url, 'region-down', 'us-east-1'], chaos)).toBe(0);
    expect(chaos.out()).toBe('applied region-down us-east-1\n');
    await east2.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading',
        TargetDbClusterIdentifier: secondaryArn,
        AllowDataLoss: true,
      }),
    );
    await waitFor(async () => {
      const out = await east2.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'trading' }));
      return (
        out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn === secondaryArn
      );
    }, 'IsWriter to flip');

    const json = memoryIo();
    expect(
      await runCommand(['journal', '--aws', sim.url, '--json', '--operation', 'FailoverGlobalCluster'], json),
    ).toBe(0);
    const failovers = JSON.parse(json.out()) as Array<{ region: string; outcome: string }>;
    expect(failovers).toEqual([
      expect.objectContaining({ region: 'us-east-2', outcome: 'ok', service: 'rds' }),
    ]);

    const afterFault = memoryIo();
    expect(
      await runCommand(
        ['journal', '--aws', sim.url, '--json', '--region', 'us-east-1', '--outcome', 'ok'],
        afterFault,
      ),
    ).toBe(0);
    const okToEast1 = JSON.parse(afterFault.out()) as Array<{ seq: number }>;
    // Only the set-up calls before the fault reached us-east-1.
    const faultSeq = sim.journal.list({ operation: 'FailoverGlobalCluster' })[0]?.seq ?? 0;
    expect(okToEast1.filter((e) => e.seq > faultSeq)).toEqual([]);

    const text = memoryIo();
    expect(await runCommand(['journal', '--aws', sim.url], text)).toBe(0);
    expect(text.out()).toMatch(/\tus-east-2\trds\tFailoverGlobalCluster\tok\n/);
  });

  it('bad arguments are a one-line error and exit 2', async () => {
    sim = await startViaCli([]);
    const cases: string[][] = [
      ['chaos', '--aws', sim.url],
      ['chaos', '--aws', sim.url, '--state-dir', '/tmp', 'region-down', 'us-east-1'],
      ['chaos', '--aws', sim.url, 'meteor-strike'],
      ['chaos', '--aws', sim.url, 'region-down', 'mars-north-1x'],
      ['chaos', '--aws', sim.url, 'latency', 'rds', 'soon'],
      ['journal'],
      ['journal', '--aws', sim.url, '--bogus'],
      ['aws', '--port', 'eighty'],
    ];
    for (const args of cases) {
      const io = memoryIo();
      expect(await runCommand(args, io), args.join(' ')).toBe(2);
      expect(io.err().trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    const unreachable = memoryIo();
    expect(await runCommand(['journal', '--aws', 'http://127.0.0.1:1'], unreachable)).toBe(2);
    // Without --aws, chaos goes to the platform npm start runs at the state dir; none runs here.
    const noPlatform = memoryIo();
    const missing = join(tmpdir(), `switchyard-no-platform-${process.pid}`);
    expect(await runCommand(['chaos', '--state-dir', missing, 'region-down', 'us-east-1'], noPlatform)).toBe(
      1,
    );
    expect(noPlatform.err()).toBe(
      `switchyard chaos: no running platform: ${join(missing, 'endpoints.json')} is missing or unreadable (run npm start, or pass --aws <url>)\n`,
    );
  });

  it('--seed creates what a FailoverPlan points at; a bad plan is refused with nothing started', async () => {
    sim = await startViaCli(['--seed', 'examples/failover/failover-plan.yaml']);
    const global = await rdsClient(sim, 'us-east-2').send(
      new DescribeGlobalClustersCommand({
        GlobalClusterIdentifier: plan.spec.database.globalClusterIdentifier,
      }),
    );
    expect(
      global.GlobalClusters?.[0]?.GlobalClusterMembers?.map((m) => [m.DBClusterArn, m.IsWriter]),
    ).toEqual(
      // The plan's members, the primary's the writer.
      plan.spec.database.members.map((m) => [m.clusterArn, m.region === plan.spec.regions.primary]),
    );
    // Each region's gate lives in it, its fence in the other region (ADR 0010).
    const alarms = await cloudWatchClient(sim, 'us-east-2').send(new DescribeAlarmsCommand({}));
    expect(alarms.MetricAlarms?.map((a) => a.AlarmName).sort()).toEqual([
      'trading-switchyard-fence-us-east-1',
      'trading-switchyard-gate-us-east-2',
    ]);

    const io = memoryIo();
    expect(await startFromArgs(['--seed', 'examples/failover/failover-unplanned.yaml'], io)).toBe(1);
    expect(io.err().trim().split('\n')[0]).toMatch(
      /^switchyard aws: --seed .*failover-unplanned\.yaml: invalid FailoverPlan/,
    );
    expect(io.out()).toBe('');
  });

  it('--state-dir: a restart keeps the roles and does not seed again; a second simulator on the dir is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-aws-cli-'));
    try {
      const args = [
        '--time-scale',
        '0.0001',
        '--state-dir',
        dir,
        '--seed',
        'examples/failover/failover-plan.yaml',
      ];
      sim = await startViaCli(args);
      const standby = plan.spec.database.members.find((m) => m.region === plan.spec.regions.standby);
      await rdsClient(sim, plan.spec.regions.standby).send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: plan.spec.database.globalClusterIdentifier,
          TargetDbClusterIdentifier: standby?.clusterArn,
          AllowDataLoss: true,
        }),
      );
      const writer = async (running: AwsSimulator) => {
        const out = await rdsClient(running, plan.spec.regions.standby).send(
          new DescribeGlobalClustersCommand({
            GlobalClusterIdentifier: plan.spec.database.globalClusterIdentifier,
          }),
        );
        return out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
      };
      const first = sim;
      await waitFor(async () => (await writer(first)) === standby?.clusterArn, 'the failover to the standby');

      const second = memoryIo();
      expect(await startFromArgs(args, second)).toBe(1);
      expect(second.err()).toMatch(new RegExp(`the state dir is in use by process ${process.pid} `));

      await sim.close();
      const io = memoryIo();
      const again = await startFromArgs(args, io);
      if (typeof again === 'number') throw new Error(io.err());
      sim = again;
      expect(io.out()).toContain(`restored AWS from ${join(dir, 'aws.json')}; --seed not applied again`);
      expect(await writer(again)).toBe(standby?.clusterArn);
    } finally {
      await sim?.close();
      sim = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
    const proc = memoryIo();
    expect(await startFromArgs(['--state-dir', '/proc/switchyard-aws'], proc)).toBe(1);
    expect(proc.err()).toMatch(/^switchyard aws: \/proc\/switchyard-aws: cannot be created as a state dir/);
  });

  it('npx switchyard aws prints ready', async () => {
    const child = spawn('node', ['bin/switchyard.mjs', 'aws', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          if (out.includes('\n')) resolve(out);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toContain('ready');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
