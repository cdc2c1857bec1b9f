// @ts-check
import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Names that hold a secret or a value derived from one (signatures, tokens, keys, hashes). */
const SECRET_NAME =
  '/(signature|token|secret|secretHash|apiKey|serverKey|callbackToken|authCode|eppCode|password)$/i';
const SECRET_COMPARISON = {
  selector: `BinaryExpression[operator=/^[!=]==?$/]:not([left.type='Literal']):not([right.type='Literal']):not([left.name='undefined']):not([right.name='undefined']):matches([left.name=${SECRET_NAME}], [right.name=${SECRET_NAME}], [left.property.name=${SECRET_NAME}], [right.property.name=${SECRET_NAME}])`,
  message: 'Compare secrets with crypto.timingSafeEqual (e.g. secretMatches), not ===.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      '.tools/',
      '.data/',
      '.dependency-cruiser.cjs',
      'clients/typescript/schema.d.ts',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Forgetting to await activities, workflow APIs and queries is the classic Temporal bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Untyped knex rows are cast once where they are read (`(await q.first()) as Row`); the rule
      // would have each cast rewritten as a generic argument for no gain in safety.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // Secrets are compared with crypto.timingSafeEqual (src/auth/credentials.ts, the gateway
    // clients, src/webhooks/signing.ts), never with === or !==, whose early exit leaks timing.
    files: ['src/**/*.ts', 'src/**/*.tsx', 'activities/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', SECRET_COMPARISON] },
  },
  {
    // A surface is only a mapping: a route file exports its router and nothing else (schemas sit
    // in the schema file beside it, rules in src/services, shared handlers in src/api/*.handlers.ts).
    files: ['src/api/**/*.routes.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        SECRET_COMPARISON,
        {
          selector: 'ExportNamedDeclaration > VariableDeclaration',
          message: 'A route file exports only its router: move this to the schema file or a service.',
        },
        {
          selector: 'ExportNamedDeclaration > FunctionDeclaration[id.name!=/^create[A-Za-z0-9]*Router$/]',
          message:
            'A route file exports only its router (createXRouter): move this to a service or a handlers file.',
        },
        {
          selector:
            'ExportNamedDeclaration[source], ExportNamedDeclaration[specifiers.length>0], ExportDefaultDeclaration',
          message: 'A route file exports only its router.',
        },
      ],
    },
  },
  {
    // Files stay readable: a file past 300 lines is split along its steps (migrations exempt).
    files: [
      'src/**/*.ts',
      'src/**/*.tsx',
      'activities/**/*.ts',
      'workflows/**/*.ts',
      'simulators/**/*.ts',
      'dev/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
    ],
    ignores: ['src/db/migrations/**'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  {
    // The tests' own support (harness, helpers, receivers) is held like the product: 300 lines.
    // A suite file groups the scenarios that share one expensive setup (the app, a Temporal
    // worker, the simulators), so it may run to 600 before it is split.
    files: ['test/**/*.ts', 'test/**/*.mts'],
    ignores: ['test/fixtures/**'],
    rules: { 'max-lines': ['error', { max: 600 }] },
  },
  {
    files: ['test/*.ts', 'test/*.mts'],
    ignores: ['test/**/*.test.ts'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  {
    // Workflow code is replayed deterministically in a sandbox: no Node built-ins, and no
    // activities, database, API or client code (types only).
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules
            .flatMap((m) => [m, `node:${m}`])
            .map((name) => ({
              name,
              message: 'Workflow code may not import Node built-ins.',
            })),
          patterns: [
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Workflows import activities as types only (proxyActivities).',
            },
            {
              group: [
                '**/src/**',
                '!**/src/vocabulary',
                '@temporalio/client',
                '@temporalio/worker',
                'knex',
                'objection',
                'pg',
                'koa',
              ],
              message: 'Workflow code may not import database, API, client or worker code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
