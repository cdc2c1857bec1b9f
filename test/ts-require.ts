import { register } from 'tsx/cjs/api';

/*
 * The SDK require()s the payload converter by its path (src/temporal/data-converter.ts), and in
 * a test that path is workflows/payload-converter.ts: Node's own require does not read
 * TypeScript, so the test process gets tsx's hook, as `npm run dev` and the CLI run under tsx
 * (a compiled build requires the .js).
 */
const key = Symbol.for('domain-reseller.ts-require');
const registry = globalThis as { [key]?: true };
if (!registry[key]) {
  register();
  registry[key] = true;
}
