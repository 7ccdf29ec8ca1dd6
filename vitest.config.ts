import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Native addons belong in forked processes (the vitest docs warn about threads).
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
