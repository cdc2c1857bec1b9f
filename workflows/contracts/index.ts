/**
 * The names shared by the API, the worker and the workflows, one module per capability: its
 * workflow IDs, inputs, outputs, signals and failures. Workflow-safe: no Node built-ins. Import a
 * capability's module, or this index for several.
 */
export * from '../../src/vocabulary';
export * from './queues';
export * from './registrar';
export * from './search';
export * from './ping';
export * from './orders';
export * from './payments';
export * from './domains';
export * from './dns';
export * from './webhooks';
export * from './reminders';
export * from './reviews';
export * from './retention';
export * from './contacts';
export * from './exports';
export * from './bulk';
