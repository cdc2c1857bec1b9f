import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** `whsec_` + base64 of 32 random bytes (the Standard Webhooks secret format). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Seed 000: `sha256=<hex hmac_sha256(timestamp + "." + raw_body)>`, keyed with the secret as shown. */
export function seedSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Standard Webhooks: `v1,<base64 hmac_sha256(id.timestamp.body)>`, keyed with the base64-decoded secret. */
export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * Headers for one delivery. During a secret rotation both secrets sign: `X-Webhook-Signature`
 * carries comma-separated `sha256=` values and `webhook-signature` space-separated `v1,` values.
 */
export function webhookHeaders(args: {
  id: string;
  timestamp: number;
  body: string;
  secrets: readonly string[];
}): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'domain-reseller-webhooks/1',
    'X-Webhook-Id': args.id,
    'X-Webhook-Timestamp': String(args.timestamp),
    'X-Webhook-Signature': args.secrets.map((s) => seedSignature(s, args.timestamp, args.body)).join(', '),
    'webhook-id': args.id,
    'webhook-timestamp': String(args.timestamp),
    'webhook-signature': args.secrets
      .map((s) => standardSignature(s, args.id, args.timestamp, args.body))
      .join(' '),
  };
}

/**
 * What a receiver does with the seed scheme: any listed signature matches, and the timestamp
 * is within `toleranceSeconds` (5 minutes recommended) of now.
 */
export function verifySeedSignature(
  secret: string,
  headers: { timestamp: string; signature: string },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(seedSignature(secret, ts, body));
  return headers.signature.split(',').some((candidate) => {
    const given = Buffer.from(candidate.trim());
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
