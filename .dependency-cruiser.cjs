/**
 * The shape the import graph must keep (checked in `npm test` by `npm run lint:deps`).
 * Type-only imports count: a circle through types still ties the files together.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circles: each file sits on one floor, and imports only from below.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'workflows-stay-deterministic',
      severity: 'error',
      comment: 'Workflow code imports only workflow code and the Temporal workflow/common packages.',
      from: { path: '^workflows/' },
      to: {
        dependencyTypesNot: ['type-only'],
        pathNot: ['^workflows/', '^node_modules/@temporalio/(workflow|common)/'],
      },
    },
    {
      name: 'core-does-not-import-surfaces',
      severity: 'error',
      comment: 'Services, activities and workflows never import the HTTP surfaces (src/api).',
      from: { path: '^(src/services|activities|workflows|src/webhooks|src/registrar|src/payments)/' },
      to: { path: '^src/api/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage|\\.tools|\\.data)/' },
  },
};
