import { defineConfig } from 'vitest/config'
import tsconfigPaths from 'vite-tsconfig-paths'
import EndToEndFirst from './tests/setup/sequencer'

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: [
      'app/**/*.test.{ts,tsx}',
      'models/**/*.test.ts',
      'jobs/**/*.test.ts',
      'tools/**/*.test.ts',
      'tests/**/*.test.{ts,tsx}',
    ],
    globalSetup: ['tests/setup/global.ts'],
    sequence: { sequencer: EndToEndFirst },
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time. Vitest's default is one fewer than the cores — one on a 2-core machine,
    // which ran the suite file after file while most of each file's time is spent waiting on the
    // dev database, a server or the browser in other processes. Each worker has its own database
    // (VITEST_POOL_ID); files that run job workers use their own queue prefix.
    maxWorkers: 2,
    reporters: [
      'default',
      './tests/setup/slowest-reporter.ts',
      ...(process.env.CI_JSON_REPORT
        ? [
            ['json', { outputFile: process.env.CI_JSON_REPORT }] as [
              string,
              Record<string, unknown>,
            ],
          ]
        : []),
    ],
  },
})
