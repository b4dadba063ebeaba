import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Database and job code must never reach the browser bundle: only *.server.ts
// files, and code outside app/ (models, jobs, server, tools, tests), may import it.
const serverOnly = {
  patterns: [
    {
      regex: '^(#models/|#jobs/|(\\.\\./)+(models|jobs)/|mongoose$|bullmq$|ioredis$)',
      allowTypeImports: true,
      message: 'models/, jobs/ and database clients are server-only: import them from a *.server.ts file.',
    },
  ],
}

export default tseslint.config(
  { ignores: ['build/**', 'node_modules/**', '.cache/**', '.data/**', 'tests/e2e/artifacts/**', 'public/build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    ignores: ['app/**/*.server.{ts,tsx}', 'app/**/*.test.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', serverOnly] },
  },
  {
    files: ['app/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
)
