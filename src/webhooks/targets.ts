import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

export function isPrivateAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const addr = mapped ?? ip;
  const family = isIP(addr);
  if (family === 0) return true;
  return PRIVATE.check(addr, family === 4 ? 'ipv4' : 'ipv6');
}

export class TargetRefusedError extends Error {
  override name = 'TargetRefusedError';
}

/** The characters a URL may hold as typed (RFC 3986: unreserved, reserved and `%` escapes). */
const URL_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

/**
 * A webhook URL as a reseller types it: only URL characters (no spaces, quotes or markup), then
 * every check of checkWebhookTarget. For new and changed URLs only: a URL stored before this rule
 * keeps being delivered to.
 */
export async function checkNewWebhookTarget(url: string, allowPrivate: boolean): Promise<void> {
  if (!URL_CHARACTERS.test(url))
    throw new TargetRefusedError(
      'The url may not contain spaces, quotes or markup (< > " { } | \\ ^ `); percent-encode them.',
    );
  await checkWebhookTarget(url, allowPrivate);
}

/**
 * Checks a webhook URL before each delivery as well: http(s) only, no credentials; unless private
 * targets are allowed (dev/test), https only and every address the host resolves to must be
 * public (no loopback, private, link-local: SSRF).
 */
export async function checkWebhookTarget(url: string, allowPrivate: boolean): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TargetRefusedError('The url is not a valid URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new TargetRefusedError('The url must be http(s).');
  if (parsed.username || parsed.password) throw new TargetRefusedError('The url may not carry credentials.');
  if (allowPrivate) return;
  if (parsed.protocol !== 'https:') throw new TargetRefusedError('The url must use https.');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [host]
    : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new TargetRefusedError('The url host does not resolve.');
  if (addresses.some(isPrivateAddress))
    throw new TargetRefusedError('The url points at a private or loopback address.');
}
