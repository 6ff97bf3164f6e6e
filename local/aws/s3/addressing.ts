/**
 * Which bucket and key a request names. Path style only (`/bucket/key`): every client of the
 * simulator sets forcePathStyle, and nothing probes objects by virtual-host name any more.
 */
export interface S3Address {
  bucket?: string;
  key?: string;
}

export function s3Address(path: string): S3Address {
  const segments = path.replace(/^\//, '');
  if (!segments) return {};
  const slash = segments.indexOf('/');
  if (slash === -1) return { bucket: decodeKey(segments) };
  const key = segments.slice(slash + 1);
  return { bucket: decodeKey(segments.slice(0, slash)), ...(key ? { key: decodeKey(key) } : {}) };
}

function decodeKey(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
