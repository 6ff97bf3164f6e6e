/** Failovers for the picture tests: one captured from a real controller run, and edits of it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type Failover, FailoverResource } from '../../../../src/apis/failover.js';

// A Switchover captured from a controller run (the health testdata of its day), kept here so the
// pictures' expected rows do not move each time the health testdata is captured again.
const SUCCEEDED = fileURLToPath(new URL('./succeeded-switchover.yaml', import.meta.url));

/** A fresh copy each call, validated by the Failover schema. */
export function succeededSwitchover(): Failover {
  return FailoverResource.parse(parse(readFileSync(SUCCEEDED, 'utf8')));
}

type Journal = NonNullable<NonNullable<Failover['status']>['journal']>;

/** The captured Failover cut after `steps` steps, the last of them changed by `last`. */
export function cutAfter(
  steps: number,
  last: (entry: Journal[number]) => Journal[number],
  phase: NonNullable<Failover['status']>['phase'],
): Failover {
  const failover = succeededSwitchover();
  const status = failover.status as NonNullable<Failover['status']>;
  const journal = (status.journal ?? []).slice(0, steps);
  journal[steps - 1] = last(journal[steps - 1] as Journal[number]);
  const { completedAt: _completed, recoveryTimeSeconds: _recovery, ...rest } = status;
  failover.status = { ...rest, phase, journal, currentStep: journal[steps - 1]?.name };
  return failover;
}
