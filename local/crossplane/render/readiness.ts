/**
 * Readiness of one composed resource, as function-patch-and-transform v0.10 (ready.go) and then
 * function-auto-ready v0.7 decide it: only an observed resource can be ready; with readiness
 * checks all must pass; without, its Ready condition must be True (auto-ready applies the same
 * rule to anything P&T left unspecified, so for P&T-only pipelines the two agree).
 */
import type { ReadinessCheck } from '../../../src/estate/patch-and-transform/types.js';
import { FieldNotFoundError, getValue } from './field-path.js';
import type { KubeObject } from './objects.js';

export function conditionStatus(object: KubeObject, type: string): string | undefined {
  const conditions = (object.status as { conditions?: { type?: string; status?: string }[] } | undefined)
    ?.conditions;
  return conditions?.find((condition) => condition.type === type)?.status;
}

function readValue(object: KubeObject, path: string): { found: boolean; value?: unknown } {
  try {
    return { found: true, value: getValue(object, path) };
  } catch (error) {
    if (error instanceof FieldNotFoundError) return { found: false };
    throw error;
  }
}

function passes(check: ReadinessCheck, object: KubeObject): boolean {
  switch (check.type) {
    case 'None':
      return true;
    case 'NonEmpty':
      return readValue(object, check.fieldPath).found;
    case 'MatchString': {
      const { found, value } = readValue(object, check.fieldPath);
      return found && value === check.matchString;
    }
    case 'MatchInteger': {
      const { found, value } = readValue(object, check.fieldPath);
      return found && value === check.matchInteger;
    }
    case 'MatchTrue': {
      const { found, value } = readValue(object, check.fieldPath);
      return found && value === true;
    }
    case 'MatchCondition':
      return (
        (conditionStatus(object, check.matchCondition.type) ?? 'Unknown') === check.matchCondition.status
      );
  }
}

export function isComposedReady(
  observed: KubeObject | undefined,
  checks: readonly ReadinessCheck[] | undefined,
): boolean {
  if (!observed) return false;
  if (checks?.length) return checks.every((check) => passes(check, observed));
  return conditionStatus(observed, 'Ready') === 'True';
}
