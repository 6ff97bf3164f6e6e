import { isPlainObject } from '../../src/schema/openapi.js';
import type { ObjectStore } from './store.js';

/**
 * Cluster IPs for Services, from the range the reference kube-apiserver is started with
 * (`--service-cluster-ip-range=10.96.0.0/16`, tools/real/kube-apiserver): the first free address
 * after 10.96.0.1 (kept for the `kubernetes` Service, as upstream). Upstream picks at random;
 * in order is enough here, where nothing routes to the address.
 */
const FIRST = (10 << 24) | (96 << 16);
const SIZE = 1 << 16;

export function clusterIPAllocator(store: ObjectStore): () => string {
  return () => {
    const used = new Set<string>();
    for (const service of store.list('/services')) {
      const spec = isPlainObject(service.spec) ? service.spec : {};
      for (const ip of Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [spec.clusterIP])
        used.add(String(ip));
    }
    for (let offset = 2; offset < SIZE - 1; offset++) {
      const value = FIRST + offset;
      const ip = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
      if (!used.has(ip)) return ip;
    }
    throw new Error('the service cluster IP range 10.96.0.0/16 is full');
  };
}
