/** The single simulated AWS account. */
export const ACCOUNT_ID = '123456789012';

export const DEFAULT_REGIONS = ['us-east-1', 'us-east-2'] as const;

const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export function isRegionName(value: string): boolean {
  return REGION_PATTERN.test(value);
}
