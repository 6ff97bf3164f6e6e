/**
 * Traffic gates (ARCHITECTURE §2): the gate object of region R lives in the other region's bucket,
 * and its presence drains R. Draining the old primary is therefore a call into the *surviving*
 * region only, and no step here ever calls Route 53.
 */
import { type Step, succeeded } from './model.js';
import { gateOf } from './plan-view.js';

/** Puts the gate object that drains `region` (the fence of an unplanned failover). */
export function closeGate(name: string, region: string, gateRegionOf: (region: string) => string): Step {
  const bucketRegion = gateRegionOf(region);
  return {
    name,
    kind: 'action',
    region: bucketRegion,
    describe: `PutObject of the gate that drains ${region} into its bucket in ${bucketRegion}`,
    async run(ctx) {
      const gate = gateOf(ctx.plan, region);
      const s3 = ctx.aws.region(gate.bucketRegion).s3;
      if (await s3.gateExists(gate.bucket, gate.key)) {
        return succeeded(`gate s3://${gate.bucket}/${gate.key} already present: ${region} drained`);
      }
      const meta = ctx.failover.metadata;
      const body = JSON.stringify({
        drained: region,
        by: `${meta.namespace}/${meta.name}`,
        at: ctx.now().toISOString(),
      });
      await s3.putGate(gate.bucket, gate.key, body);
      return succeeded(`put gate s3://${gate.bucket}/${gate.key}: ${region} drained`);
    },
  };
}

/** Deletes the gate object of `region`, letting Route 53 send it traffic again. */
export function openGate(name: string, region: string, gateRegionOf: (region: string) => string): Step {
  const bucketRegion = gateRegionOf(region);
  return {
    name,
    kind: 'action',
    region: bucketRegion,
    describe: `DeleteObject of the gate of ${region} from its bucket in ${bucketRegion}`,
    async run(ctx) {
      const gate = gateOf(ctx.plan, region);
      const s3 = ctx.aws.region(gate.bucketRegion).s3;
      if (!(await s3.gateExists(gate.bucket, gate.key))) {
        return succeeded(`gate s3://${gate.bucket}/${gate.key} absent: ${region} open`);
      }
      await s3.deleteGate(gate.bucket, gate.key);
      return succeeded(`deleted gate s3://${gate.bucket}/${gate.key}: ${region} open`);
    },
  };
}
