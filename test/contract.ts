import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/*
 * Every answer the suites receive from the API, checked against the OpenAPI document the same
 * app serves: the operation (method and path template), the status (2xx must be documented;
 * failures fall to `default`, whose `code` must be one the route names), the content type and
 * the body's schema. An answer that does not match throws, so the test that got it fails.
 */

interface OperationDoc {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
interface Doc {
  paths: Record<string, Record<string, OperationDoc>>;
  components: object;
}
interface Contract {
  operations: Array<{ method: string; template: string; pattern: RegExp; op: OperationDoc }>;
  validators: Map<string, ValidateFunction>;
  ajv: Ajv2020;
  components: object;
}

const contracts = new Map<string, Promise<Contract>>();
/** Answers checked in this test file (reported at the end of the run). */
let checked = 0;

async function contractFor(origin: string): Promise<Contract> {
  let found = contracts.get(origin);
  if (!found) {
    found = (async () => {
      const doc = (await (await fetch(`${origin}/openapi.json`)).json()) as Doc;
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      const operations = Object.entries(doc.paths).flatMap(([template, ops]) =>
        Object.entries(ops).map(([method, op]) => ({
          method: method.toUpperCase(),
          template,
          // `{param}` matches one path segment (as the router's `:param` does).
          pattern: new RegExp(
            `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`,
          ),
          op,
        })),
      );
      return { operations, validators: new Map(), ajv, components: doc.components };
    })();
    contracts.set(origin, found);
  }
  return found;
}

/** The documented path the router would match first: literal segments before parameters. */
function matching(contract: Contract, method: string, pathname: string) {
  const candidates = contract.operations.filter((o) => o.method === method && o.pattern.test(pathname));
  return candidates.sort(
    (a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0),
  )[0];
}

export async function checkAnswer(
  url: string,
  method: string,
  res: { status: number; headers: Headers; text: string },
): Promise<void> {
  const { origin, pathname } = new URL(url);
  if (!/^\/(api|payments)\//.test(pathname)) return;
  const contract = await contractFor(origin);
  // Matched as the router matches: on the raw path (an encoded slash stays inside its segment).
  const found = matching(contract, method.toUpperCase(), pathname);
  // A path or method the API does not serve (a 404, a 405, or 401 before routing) is in no
  // document; what it answered is still the envelope, checked by the tests that ask for it.
  if (!found) return;
  const where = `${method.toUpperCase()} ${found.template} → ${res.status}`;
  const documented = found.op.responses[String(res.status)];
  if (!documented && res.status < 400) throw new Error(`contract: ${where} is not a documented answer`);
  const response = documented ?? found.op.responses['default'];
  if (!response) throw new Error(`contract: ${where} has no documented failure`);
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const content = response.content?.[type];
  if (!content)
    throw new Error(
      `contract: ${where} answered ${type || 'no content type'}, not ${Object.keys(response.content ?? {}).join(', ')}`,
    );
  if (type === 'application/json') {
    const key = `${found.method} ${found.template} ${documented ? res.status : 'default'}`;
    let validate = contract.validators.get(key);
    if (!validate) {
      validate = contract.ajv.compile({ ...content.schema, components: contract.components });
      contract.validators.set(key, validate);
    }
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new Error(`contract: ${where} is not JSON: ${res.text.slice(0, 200)}`);
    }
    if (!validate(body))
      throw new Error(
        `contract: ${where} does not match the document: ${contract.ajv.errorsText(validate.errors)} — ${res.text.slice(0, 400)}`,
      );
  }
  checked += 1;
}

/** Records this file's count for the run's report (test/global-setup.ts prints the total). */
export function recordContractChecks(file: string): void {
  if (checked === 0) return;
  const dir = path.resolve(__dirname, '..', 'coverage');
  mkdirSync(dir, { recursive: true });
  appendFileSync(path.join(dir, 'contract-checks.jsonl'), `${JSON.stringify({ file, checked })}\n`);
  checked = 0;
}
