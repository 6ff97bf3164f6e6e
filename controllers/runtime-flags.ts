/**
 * V8 flags the controller image runs node with (Dockerfile ENTRYPOINT; a test keeps the two equal).
 * A small young generation and size-over-speed code keep the controller at about 140 MB RSS with
 * 1,000 RegionHealth and 100 Failovers watched (ADR 0007, Performance); the failover path is
 * network-bound, so the speed given up does not show. --optimize-for-size is not allowed in
 * NODE_OPTIONS, which is why they are command-line flags.
 */
export const CONTROLLER_NODE_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size'] as const;
