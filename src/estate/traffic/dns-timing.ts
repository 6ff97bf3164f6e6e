/**
 * How quickly Route 53 follows the gates, from what TrafficRouting creates: the one definition the
 * composition's ALB checks, the local traffic seed and the controller's verify-dns bound read.
 */
export const DNS_FAILOVER_TIMING = {
  /** Route 53 checkers probe every 30 s (the standard interval; 10 s costs more and flaps more). */
  healthCheckIntervalSeconds: 30,
  /** Consecutive probe results that turn a check healthy or unhealthy. */
  failureThreshold: 3,
  /**
   * The failover records alias each region's ALB, and an alias answers with its target's TTL:
   * Elastic Load Balancing's DNS names have a 60 s TTL.
   */
  ttlSeconds: 60,
} as const;
