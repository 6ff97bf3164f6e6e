/**
 * The one question the simulator asks of a bucket policy: may an anonymous caller (a Route 53
 * checker reading a gate object) read this key? Only Allow statements with Principal "*" and
 * s3:GetObject (or s3:*) on a matching `arn:aws:s3:::bucket/key` pattern grant it; conditions and
 * Deny statements are not evaluated (see docs/adr/0004-aws-simulator.md).
 */
import { wildcardRegExp } from '../../../src/common/wildcard.js';

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  Action?: unknown;
  Resource?: unknown;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object' && 'AWS' in principal) {
    return asList((principal as { AWS: unknown }).AWS).includes('*');
  }
  return false;
}

const globMatches = (pattern: string, value: string) => wildcardRegExp(pattern).test(value);

export function allowsAnonymousRead(policy: string | undefined, bucket: string, key: string): boolean {
  if (!policy) return false;
  let parsed: { Statement?: unknown };
  try {
    parsed = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return false;
  }
  const resource = `arn:aws:s3:::${bucket}/${key}`;
  return asList(parsed.Statement).some((raw) => {
    const statement = (raw ?? {}) as Statement;
    return (
      statement.Effect === 'Allow' &&
      isEveryone(statement.Principal) &&
      asList(statement.Action).some((a) => a === 's3:GetObject' || a === 's3:*') &&
      asList(statement.Resource).some((r) => typeof r === 'string' && globMatches(r, resource))
    );
  });
}

export function isValidPolicy(policy: string): boolean {
  try {
    const parsed = JSON.parse(policy) as unknown;
    return typeof parsed === 'object' && parsed !== null && 'Statement' in parsed;
  } catch {
    return false;
  }
}
