import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    // The fault suite and the fuzz runs have a command of their own: npm run test:faults.
    exclude: ['test/faults/**', '**/node_modules/**'],
    // Real Postgres and Redis: the first run may install and initialise them.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
  },
});
