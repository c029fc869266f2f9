import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000, // generous: the CLI and browser tests spawn processes, slow on a loaded 2-core machine
    hookTimeout: 120_000,
    // Two cores: a few files at a time, each with its own server and PGlite.
    maxWorkers: 3,
    pool: 'forks',
  },
});
