/**
 * Registering a domain with the generated client: the types come from the API's OpenAPI
 * document (schema.d.ts, `npm run generate`), the calls from openapi-fetch.
 *
 *   DR_API_URL=http://127.0.0.1:3000 DR_API_KEY=dak_… npx tsx clients/typescript/example.ts my-domain.com
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

export type ResellerClient = Client<paths>;
type Order = components['schemas']['Order'];

export function resellerClient(baseUrl: string, apiKey: string): ResellerClient {
  return createClient<paths>({ baseUrl, headers: { 'X-API-KEY': apiKey } });
}

/** Registers `domain` from the wallet and polls its order until it is no longer in progress. */
export async function registerAndWait(
  client: ResellerClient,
  domain: string,
  registrant: NonNullable<
    paths['/api/v1/domains/register']['post']['requestBody']['content']['application/json']['registrant']
  >,
  opts: { pollMs?: number; timeoutMs?: number } = {},
): Promise<Order> {
  const placed = await client.POST('/api/v1/domains/register', { body: { domain_name: domain, registrant } });
  if (placed.error) throw new Error(`register refused: ${placed.error.code}: ${placed.error.message}`);
  let order = placed.data.data.order;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (['pending', 'processing', 'awaiting_payment'].includes(order.status) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 1000));
    const shown = await client.GET('/api/v1/orders/{order}', { params: { path: { order: order.id } } });
    if (shown.error) throw new Error(`order lookup failed: ${shown.error.code}`);
    order = shown.data.data.order;
  }
  return order;
}

async function main(): Promise<void> {
  const client = resellerClient(
    process.env['DR_API_URL'] ?? 'http://127.0.0.1:3000',
    process.env['DR_API_KEY'] ?? '',
  );
  const domain = process.argv[2] ?? `example-${Date.now().toString(36)}.com`;
  const order = await registerAndWait(client, domain, {
    name: 'Domain Owner',
    address1: '1 Registry Road',
    city: 'Dar es Salaam',
    postcode: '11101',
    country: 'TZ',
    phone: '+255.754123456',
    email: 'owner@example.com',
  });
  console.log(
    `${order.id}: ${order.action} ${order.domain_name} is ${order.status} (${order.amount.amount} ${order.amount.currency})`,
  );
}

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
