import { defineConfig } from 'vitest/config'
import tsconfigPaths from 'vite-tsconfig-paths'

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ['app/**/*.test.{ts,tsx}', 'models/**/*.test.ts', 'jobs/**/*.test.ts', 'tools/**/*.test.ts', 'tests/**/*.test.{ts,tsx}'],
    globalSetup: ['tests/setup/global.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: [
      'default',
      './tests/setup/slowest-reporter.ts',
      ...(process.env.CI_JSON_REPORT ? [['json', { outputFile: process.env.CI_JSON_REPORT }] as [string, Record<string, unknown>]] : []),
    ],
  },
})
