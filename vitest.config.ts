import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: a few files at a time, each with its own server and PGlite.
    maxWorkers: 3,
    pool: 'forks',
  },
});
