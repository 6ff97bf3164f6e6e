import { defineConfig } from 'vitest/config';

/**
 * `npm run test:real`: the suites that run the real upstream components built by
 * `npm run real:setup` (apiextensions-apiserver + etcd, kubectl, crank + functions, gopher-lua,
 * moto). Files run one at a time: each starts its own servers and the CI machine has 2 cores.
 */
export default defineConfig({
  test: {
    include: ['test/real/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
