import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the fault suite (servers killed, restarted and wiped under a mixed
// load) and the fuzz runs. One file at a time: a fault run restarts services and owns the
// machine's two cores while it measures; the normal suite (`npm test`) never includes these.
export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 20 * 60_000,
    hookTimeout: 5 * 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
