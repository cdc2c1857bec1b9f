import type { Knex } from 'knex';
import type { WebhookEndpointRow } from '../db/models';
import type { SecretBox } from '../secrets';
import { notFound, validationFailed } from './errors';
import { newPublicId } from '../utils/public-ids';
import type { EventType } from '../webhooks/events';
import { generateWebhookSecret } from '../webhooks/signing';
import { checkNewWebhookTarget, TargetRefusedError } from '../webhooks/targets';

/** What endpoint management works with. */
export interface EndpointDeps {
  db: Knex;
  secrets: SecretBox;
  /** Whether loopback and private addresses are acceptable targets (development and tests). */
  allowPrivateTargets: boolean;
}

/** How long deliveries stay signed with the previous secret after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;

async function checkUrl(deps: EndpointDeps, url: string): Promise<void> {
  try {
    await checkNewWebhookTarget(url, deps.allowPrivateTargets);
  } catch (err) {
    if (err instanceof TargetRefusedError) throw validationFailed({ url: [err.message] });
    throw err;
  }
}

/** One of the reseller's endpoints; 404 when it is not theirs. */
export async function findEndpoint(
  db: Knex,
  resellerId: number,
  publicId: string,
): Promise<WebhookEndpointRow> {
  const row = (await db('webhookEndpoints').where({ resellerId, publicId }).first()) as
    WebhookEndpointRow | undefined;
  if (!row) throw notFound('Webhook endpoint not found.', 'webhook_not_found');
  return row;
}

/** What a page calls an endpoint: its host and path (`host: true`: its host alone), never its query (which may carry a token). */
export function endpointLabel(url: string, opts: { host?: boolean } = {}): string {
  try {
    const u = new URL(url);
    return opts.host || u.pathname === '/' ? u.host : `${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}

export async function listEndpoints(db: Knex, resellerId: number): Promise<WebhookEndpointRow[]> {
  return (await db('webhookEndpoints').where({ resellerId }).orderBy('id')) as WebhookEndpointRow[];
}

/** A new endpoint with a new signing secret, shown this once (only its sealed form is kept). */
export async function createEndpoint(
  deps: EndpointDeps,
  resellerId: number,
  req: { url: string; events?: EventType[] | undefined; description?: string | undefined },
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  await checkUrl(deps, req.url);
  const secret = generateWebhookSecret();
  const [endpoint] = (await deps
    .db('webhookEndpoints')
    .insert({
      publicId: newPublicId('whe'),
      resellerId,
      url: req.url,
      description: req.description ?? null,
      events: req.events ?? [],
      secret: deps.secrets.seal(secret),
    })
    .returning('*')) as WebhookEndpointRow[];
  return { endpoint: endpoint!, secret };
}

export async function updateEndpoint(
  deps: EndpointDeps,
  resellerId: number,
  publicId: string,
  req: {
    url?: string | undefined;
    events?: EventType[] | undefined;
    enabled?: boolean | undefined;
    description?: string | undefined;
  },
): Promise<WebhookEndpointRow> {
  const row = await findEndpoint(deps.db, resellerId, publicId);
  if (req.url) await checkUrl(deps, req.url);
  const [updated] = (await deps
    .db('webhookEndpoints')
    .where({ id: row.id })
    .update({
      ...(req.url ? { url: req.url } : {}),
      ...(req.events ? { events: req.events } : {}),
      ...(req.description !== undefined ? { description: req.description } : {}),
      ...(req.enabled !== undefined
        ? { enabled: req.enabled, disabledReason: req.enabled ? null : 'Disabled by the reseller.' }
        : {}),
      updatedAt: deps.db.fn.now(),
    })
    .returning('*')) as WebhookEndpointRow[];
  return updated!;
}

/** A new signing secret (shown once); deliveries are signed with both for ROTATION_OVERLAP_MS. */
export async function rotateSecret(
  deps: EndpointDeps,
  resellerId: number,
  publicId: string,
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  const row = await findEndpoint(deps.db, resellerId, publicId);
  const secret = generateWebhookSecret();
  const [endpoint] = (await deps
    .db('webhookEndpoints')
    .where({ id: row.id })
    .update({
      secret: deps.secrets.seal(secret),
      previousSecret: row.secret,
      previousSecretExpiresAt: new Date(Date.now() + ROTATION_OVERLAP_MS),
      updatedAt: deps.db.fn.now(),
    })
    .returning('*')) as WebhookEndpointRow[];
  return { endpoint: endpoint!, secret };
}

export async function deleteEndpoint(db: Knex, resellerId: number, publicId: string): Promise<void> {
  const row = await findEndpoint(db, resellerId, publicId);
  await db('webhookEndpoints').where({ id: row.id }).del();
}
