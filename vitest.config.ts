import { defineConfig } from 'vitest/config';

const workspaces = ['protocol', 'store', 'collector', 'engine', 'dashboard', 'snippet'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: workspaces.map((w) => `${w}/test/**/*.test.{ts,tsx}`).concat(['test/unit/**/*.test.ts']),
          exclude: ['**/test/integration/**', '**/node_modules/**'],
          // Not 'threads': a worker thread that loaded chDB's native library (any import of
          // @floorwalker/store) segfaults at exit, failing the run with code 139.
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'integration',
          include: workspaces
            .map((w) => `${w}/test/integration/**/*.test.ts`)
            .concat(['test/integration/**/*.test.ts']),
          globalSetup: ['test/global-setup.ts'],
          // chDB keeps one engine per process: each test file gets its own process.
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
