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
        pathNot: ['^workflows/', '^src/vocabulary\\.ts$', '^node_modules/@temporalio/(workflow|common)/'],
      },
    },
    {
      name: 'core-does-not-import-surfaces',
      severity: 'error',
      comment: 'Services, activities and workflows never import the HTTP surfaces (src/api).',
      from: { path: '^(src/services|activities|workflows|src/webhooks|src/registrar|src/payments)/' },
      to: { path: '^src/(api|portal|views)/' },
    },
    {
      name: 'lower-floors-stay-below',
      severity: 'error',
      comment:
        'Temporal plumbing, authentication, the database, webhook signing and delivery, the registrar and gateway clients never import the services, the activities or a surface: those sit above them.',
      from: { path: '^src/(temporal|auth|db|webhooks|registrar|payments|hosted-dns|utils)/' },
      to: { path: '^(src/(services|api|portal|views)|activities)/' },
    },
    {
      name: 'vocabulary-is-a-leaf',
      severity: 'error',
      comment: 'src/vocabulary.ts is the bottom floor, bundled into the workflows: it imports nothing.',
      from: { path: '^src/vocabulary\\.ts$' },
      to: {},
    },
    {
      name: 'portal-and-api-share-only-the-core',
      severity: 'error',
      comment:
        'The browser pages and the HTTP API are two surfaces over the same core (services, views): neither imports the other. main-api.ts mounts both.',
      from: { path: '^src/portal/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'registrar-sits-below-the-configuration',
      severity: 'error',
      comment:
        "config-registrar.ts validates against the registrar's account levels and currencies, so the registrar takes its settings as its own RegistrarConfig and never imports the configuration (not even its types).",
      from: { path: '^src/registrar/' },
      to: { path: '^src/config' },
    },
    {
      name: 'page-markup-loads-nothing',
      severity: 'error',
      comment:
        "A page's markup (src/portal/**/*.view.tsx) is given its data by its route module: it reaches no database, Temporal client, registrar, gateway or DNS server (their types are fine).",
      from: { path: '^src/portal/.+\\.view\\.tsx$' },
      to: {
        dependencyTypesNot: ['type-only'],
        path: [
          '^src/(db|registrar|payments|hosted-dns)/',
          '^src/temporal/(?!ui-links)',
          '^node_modules/(knex|pg|objection|@temporalio)/',
        ],
      },
    },
    {
      name: 'api-does-not-import-the-portal',
      severity: 'error',
      comment: 'The API takes the pages as a parameter (createApp(deps, { pages })).',
      from: { path: '^src/api/' },
      to: { path: '^src/portal/' },
    },
    {
      name: 'product-never-imports-simulators-or-dev',
      severity: 'error',
      comment:
        'simulators/ and dev/ are for development and tests; the image holds src, workflows and activities only.',
      from: { path: '^(src|activities|workflows)/' },
      to: { path: '^(simulators|dev)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage|\\.tools|\\.data)/' },
  },
};
