/**
 * TrafficRouting holds back what needs a value that arrives later through status: the ALB check
 * and the records wait for the region's ALB (spec.endpoints, from Compute's status), the
 * CALCULATED check for its three members' ids (this XR's status). At no step is anything
 * composed half-valid, and the XR says it is not ready while something is held back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import {
  byResourceName,
  examplesDir,
  forProviderOf,
  halfValid,
  memberCheckId,
  renderExample,
  reportedMemberChecks,
  resourceName,
  writeVariant,
} from '../../support/estate.js';

const catalog = SchemaCatalog.load();
const dir = mkdtempSync(join(tmpdir(), 'switchyard-traffic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REGIONS = ['us-east-1', 'us-east-2'] as const;
const example = join(examplesDir, 'traffic.yaml');
const render = (file: string) => renderExample(file, { catalog });
const names = (resources: KubeObject[]) => resources.map(resourceName);
const waitingForAlb = (region: string) => [
  `health-check-alb-${region}`,
  `record-failover-${region}`,
  `record-latency-${region}`,
  `record-regional-${region}`,
];

function expectNotReady(xr: KubeObject) {
  expect(xr.status?.conditions).toEqual([
    expect.objectContaining({ type: 'Ready', status: 'False', reason: 'Creating' }),
  ]);
}

describe('TrafficRouting: held back until known', () => {
  it('before any ALB is known: only the zone and the gate and fence switches', () => {
    const file = writeVariant(dir, example, (xr) => {
      delete xr.spec?.endpoints;
    });
    const { xr, resources } = render(file);
    const composed = names(resources);
    for (const region of REGIONS) {
      for (const name of [...waitingForAlb(region), `health-check-${region}`])
        expect(composed, name).not.toContain(name);
      for (const kind of ['gate', 'fence'])
        expect(composed).toEqual(
          expect.arrayContaining([`${kind}-alarm-${region}`, `health-check-${kind}-${region}`]),
        );
    }
    expect(composed).toContain('hosted-zone');
    expect(halfValid(resources)).toEqual([]);
    expectNotReady(xr);
  });

  it('with the ALBs: each region’s ALB check and its records, aliased to its ALB', () => {
    const { xr, resources } = render(example);
    const endpoints = xr.spec?.endpoints as Record<string, { albDnsName: string; albZoneId: string }>;
    for (const region of REGIONS) {
      const { albDnsName, albZoneId } = endpoints[region] ?? { albDnsName: '', albZoneId: '' };
      expect(forProviderOf(byResourceName(resources, `health-check-alb-${region}`))).toMatchObject({
        type: 'HTTPS',
        fqdn: albDnsName,
      });
      for (const record of waitingForAlb(region).slice(1))
        expect(forProviderOf(byResourceName(resources, record)).alias, record).toMatchObject({
          name: albDnsName,
          zoneId: albZoneId,
        });
      // Its members exist now, but their ids are not in this XR's status yet.
      expect(names(resources)).not.toContain(`health-check-${region}`);
    }
    expect(halfValid(resources)).toEqual([]);
    expectNotReady(xr);
  });

  it('with the members’ ids: the CALCULATED check ANDs exactly the ALB check, gate and fence', () => {
    const file = writeVariant(dir, example, (xr) => {
      xr.status = reportedMemberChecks();
    });
    const { resources } = render(file);
    for (const region of REGIONS) {
      expect(forProviderOf(byResourceName(resources, `health-check-${region}`))).toMatchObject({
        type: 'CALCULATED',
        childHealthThreshold: 3,
        childHealthchecks: ['alb', 'gate', 'fence'].map((member) => memberCheckId(region, member)),
      });
    }
    expect(halfValid(resources)).toEqual([]);
  });

  it('keeps a CALCULATED check back while one member’s id is missing', () => {
    const file = writeVariant(dir, example, (xr) => {
      xr.status = { healthChecks: { 'us-east-1': { gate: 'hc-gate', fence: 'hc-fence' } } };
    });
    const { resources, warnings } = render(file);
    expect(names(resources)).not.toContain('health-check-us-east-1');
    expect(warnings).toEqual(expect.arrayContaining([expect.stringContaining('"health-check-us-east-1"')]));
  });
});
