import { configDefaults, defineConfig } from 'vitest/config';

const FAULTS = 'test/reliability/faults.test.ts';

export default defineConfig({
  test: {
    testTimeout: 120_000, // generous: the CLI and browser tests spawn processes, slow on a loaded 2-core machine
    hookTimeout: 120_000,
    // Two cores: a few files at a time, each with its own server and PGlite.
    maxWorkers: 3,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, FAULTS], sequence: { groupOrder: 0 } } },
      // The fault run times 2,400 requests against 2 s deadlines: it runs alone, after the rest, so
      // that other tests loading the two cores do not make its answers late.
      { extends: true, test: { name: 'faults', include: [FAULTS], sequence: { groupOrder: 1 } } },
    ],
  },
});
