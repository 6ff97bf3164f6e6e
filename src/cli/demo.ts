/**
 * `npm run demo` (= `switchyard demo`): plays src/cli/demo/script.ts on the platform `npm start`
 * runs at the state dir, or, when none runs there, starts one for the demo and stops it after.
 * What the demo waits for (the global cluster, the DNS name, the plan) is derived from the
 * checkout's TradingPlatform XR, as everything else the platform names.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { appName } from '../estate/common/names.js';
import type { PairRegion } from '../estate/common/parameters.js';
import { EXAMPLE_PLATFORM_FILE } from '../generate/derived-plan.js';
import { derivePlan } from '../plan/derive.js';
import { readTradingPlatform } from '../plan/platform.js';
import { projectRoot } from '../schema/paths.js';
import { PlatformObserver, readEndpoints } from './demo/observe.js';
import { DemoStageError, runDemo } from './demo/script.js';
import { systemSnapshot } from './demo/snapshot.js';
import type { Command, CommandIo } from './io.js';
import { systemSvg } from './pictures/system-svg.js';
import { type LaunchedPlatform, launchPlatform } from './platform/launch.js';
import type { PlatformStatus } from './platform/platform.js';

const USAGE = 'switchyard demo [--state-dir <dir>] [--stage-timeout <s>] [--pictures <dir>]';

/** The platform at the state dir when its control endpoint answers. */
async function runningPlatform(stateDir: string): Promise<PlatformStatus | undefined> {
  let endpoints: PlatformStatus;
  try {
    endpoints = readEndpoints(join(stateDir, 'endpoints.json'));
  } catch {
    return undefined;
  }
  if (!endpoints.control) return undefined;
  try {
    const response = await fetch(`${endpoints.control}/status`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? endpoints : undefined;
  } catch {
    return undefined;
  }
}

async function liveStatus(control: string): Promise<PlatformStatus> {
  const response = await fetch(`${control}/status`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new DemoStageError(`the platform's status: HTTP ${response.status}`);
  return (await response.json()) as PlatformStatus;
}

async function faultOn(control: string, fault: string, region: PairRegion): Promise<void> {
  const response = await fetch(`${control}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fault, args: [region] }),
  });
  if (!response.ok)
    throw new DemoStageError(`${fault} ${region}: ${response.status} ${await response.text()}`);
}

export const command: Command = {
  summary: 'Watch the platform fail over by itself: region-down, automatic Failover, DNS, switch back home',
  usage: [
    USAGE,
    '',
    '--state-dir      the platform npm start runs there is used; otherwise one is started for the demo (default .state/)',
    '--stage-timeout  seconds each stage may take (default 180)',
    '--pictures       where the timeline SVG and the Failover go (default <state-dir>/demo)',
  ].join('\n'),
  async run(args, io) {
    const root = projectRoot();
    const { values } = parseArgs({
      args,
      options: {
        'state-dir': { type: 'string', default: join(root, '.state') },
        'stage-timeout': { type: 'string', default: '180' },
        pictures: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const stateDir = resolve(values['state-dir']);
    const stageTimeoutMs = Number(values['stage-timeout']) * 1_000;
    if (!(stageTimeoutMs > 0)) {
      io.stderr.write(`switchyard demo: --stage-timeout must be a positive number of seconds\n`);
      return 2;
    }
    const xr = parse(readFileSync(join(root, EXAMPLE_PLATFORM_FILE), 'utf8')) as unknown;
    const { spec } = readTradingPlatform(xr);
    const { plan } = derivePlan(xr);

    let launched: LaunchedPlatform | undefined;
    let endpoints = await runningPlatform(stateDir);
    if (endpoints) io.stdout.write(`using the platform running at ${stateDir} (pid ${endpoints.pid})\n`);
    else {
      io.stdout.write(`no platform runs at ${stateDir}: starting one for the demo\n`);
      try {
        launched = await launchPlatform(
          { root, stateDir, kubePort: 0, awsPort: 0, timeScale: 0.01, readyTimeoutMs: 120_000 },
          (line) => io.stdout.write(`${line}\n`),
        );
      } catch (error) {
        io.stderr.write(`switchyard demo: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      }
      io.stdout.write(`platform ready in ${launched.readySeconds.toFixed(1)} s\n`);
      endpoints = launched.endpoints;
    }
    const control = endpoints.control ?? '';
    const observer = new PlatformObserver(endpoints, plan.metadata.namespace ?? 'default');
    try {
      const down = (await liveStatus(control)).regions.filter((region) => !region.up).map((r) => r.region);
      if (down.length > 0)
        throw new DemoStageError(
          `the demo starts from a healthy platform, but ${down.join(', ')} is down: npx switchyard chaos --state-dir ${stateDir} region-up ${down[0]}`,
        );
      await runDemo({
        observer,
        fault: (name, region) => faultOn(control, name, region),
        platform: {
          globalClusterIdentifier: plan.spec.database.globalClusterIdentifier,
          domainName: spec.domainName,
          planName: plan.metadata.name ?? spec.platformId,
        },
        outDir: resolve(values.pictures ?? join(stateDir, 'demo')),
        systemPicture: async (title) =>
          systemSvg(
            await systemSnapshot({
              observer,
              status: await liveStatus(control),
              globalClusterIdentifier: plan.spec.database.globalClusterIdentifier,
              appGroup: (region) => appName(spec.platformId, region),
              domainName: spec.domainName,
              title,
            }),
          ),
        stageTimeoutMs,
        io,
      });
      return 0;
    } catch (error) {
      if (!(error instanceof DemoStageError)) throw error;
      reportFailure(error, stateDir, io);
      return 1;
    } finally {
      await launched?.stop();
    }
  },
};

function reportFailure(error: DemoStageError, stateDir: string, io: CommandIo): void {
  io.stderr.write(`switchyard demo: stage failed: ${error.message}\nlogs: ${join(stateDir, 'logs')}\n`);
}
