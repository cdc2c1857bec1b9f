import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Knex } from 'knex';
import { eventBody } from '../src/webhooks/events';

/**
 * Every event stored in the database, as the body a receiver gets, checked against the schema
 * of its type in the `webhooks` section of the served OpenAPI document. Returns the mismatches.
 */
export async function eventsAgainstDocument(
  db: Knex,
  apiUrl: string,
): Promise<{ checked: number; problems: string[] }> {
  const doc = (await (await fetch(`${apiUrl}/openapi.json`)).json()) as {
    webhooks: Record<
      string,
      { post: { requestBody: { content: { 'application/json': { schema: object } } } } }
    >;
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validators = new Map(
    Object.entries(doc.webhooks).map(([type, op]) => [
      type,
      ajv.compile(op.post.requestBody.content['application/json'].schema),
    ]),
  );
  const rows = (await db('events').select('id', 'type', 'payload', 'createdAt', 'sequence')) as Array<
    Parameters<typeof eventBody>[0]
  >;
  const problems: string[] = [];
  for (const row of rows) {
    const validate = validators.get(row.type);
    const body: unknown = JSON.parse(eventBody(row));
    if (!validate) problems.push(`${row.id}: type ${row.type} is not in the document`);
    else if (!validate(body)) problems.push(`${row.id} (${row.type}): ${ajv.errorsText(validate.errors)}`);
  }
  return { checked: rows.length, problems };
}

/** The keys of every invoice.paid, whether a gateway or the wallet paid it (the receiver's contract). */
export const INVOICE_PAID_KEYS = [
  'amount',
  'amount_minor',
  'currency',
  'domain_name',
  'gateway',
  'invoice_id',
  'order_id',
  'paid_at',
  'purpose',
];
