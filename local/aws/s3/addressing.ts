/**
 * Which bucket and key a request names. Path style (`/bucket/key`, what the SDK sends with
 * forcePathStyle) and virtual-host style (`bucket.s3.us-east-2.amazonaws.com`, what a Route 53
 * health check probing a gate object sends as Host) both work.
 */
export interface S3Address {
  bucket?: string;
  key?: string;
}

const VIRTUAL_HOST =
  /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.(?:s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com|s3\.localhost|localhost)$/;

export function s3Address(host: string, path: string): S3Address {
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  const virtual = VIRTUAL_HOST.exec(hostname);
  const segments = path.replace(/^\//, '');
  if (virtual?.[1]) {
    return { bucket: virtual[1], ...(segments ? { key: decodeKey(segments) } : {}) };
  }
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

/** The region in a virtual-host S3 name, if it names one (`bucket.s3.us-east-2.amazonaws.com`). */
export function regionInHost(host: string): string | undefined {
  return /\.s3[.-]([a-z]{2}-[a-z]+-\d)\.amazonaws\.com/.exec(host.toLowerCase())?.[1];
}
