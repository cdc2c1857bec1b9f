import dgram from 'node:dgram';
import net from 'node:net';
import * as packet from 'dns-packet';

/** A DNS server the addon answers on, as the worker reaches it. */
export interface DnsServerAddress {
  host: string;
  port: number;
}

/** `host:port` (or `[v6]:port`, or a host alone on port 53) as a server address. */
export function parseDnsServer(text: string): DnsServerAddress {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [host, port] = v6 ? [v6[1]!, v6[2]] : (text.split(':') as [string, string | undefined]);
  return { host, port: port === undefined ? 53 : Number(port) };
}

/**
 * A DNSKEY's key tag (RFC 4034, appendix B) from its fields: the number a DS names its key by.
 * The RDATA is flags (2 octets), protocol (3), algorithm, then the public key.
 */
export function keyTagOf(key: { flags: number; algorithm: number; key: Buffer }): number {
  const rdata = Buffer.concat([Buffer.from([key.flags >> 8, key.flags & 0xff, 3, key.algorithm]), key.key]);
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

/** What one server serves of a zone's keys: the key tags of its DNSKEYs and of their RRSIGs. */
export interface ServedKeys {
  server: string;
  keyTags: number[];
  /** Key tags of the keys that signed the DNSKEY set (the RRSIGs over it). */
  signedBy: number[];
}

const query = (zone: string, id: number): packet.Packet => ({
  type: 'query',
  id,
  flags: 0,
  questions: [{ type: 'DNSKEY', name: zone, class: 'IN' }],
  // The DO bit asks for the RRSIGs; 1232 octets is the DNS flag day's safe UDP size.
  additionals: [
    {
      type: 'OPT',
      name: '.',
      udpPayloadSize: 1232,
      extendedRcode: 0,
      ednsVersion: 0,
      flags: packet.DNSSEC_OK,
      flag_do: true,
      options: [],
    },
  ],
});

function overUdp(server: DnsServerAddress, zone: string, timeoutMs: number): Promise<packet.Packet> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    const id = Math.floor(Math.random() * 0xffff);
    const timer = setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const done = (err: Error | null, answer?: packet.Packet) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(answer!);
    };
    socket.on('error', (err) => done(err));
    socket.on('message', (message) => {
      const answer = packet.decode(message);
      if (answer.id === id) done(null, answer);
    });
    socket.send(packet.encode(query(zone, id)), server.port, server.host);
  });
}

function overTcp(server: DnsServerAddress, zone: string, timeoutMs: number): Promise<packet.Packet> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port });
    let buffered = Buffer.alloc(0);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(packet.streamEncode(query(zone, 1))));
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        socket.end();
        resolve(packet.streamDecode(buffered));
      }
    });
  });
}

/**
 * Asks `server` for `zone`'s DNSKEY set with its signatures (UDP, TCP when truncated), as a
 * validating resolver would once the DS is at the parent.
 */
export async function servedKeys(
  server: DnsServerAddress,
  zone: string,
  timeoutMs = 3000,
): Promise<ServedKeys> {
  let answer = await overUdp(server, zone, timeoutMs);
  if ((answer.flags ?? 0) & packet.TRUNCATED_RESPONSE) answer = await overTcp(server, zone, timeoutMs);
  const name = zone.toLowerCase().replace(/\.$/, '');
  const records = (answer.answers ?? []).filter((a) => a.name.toLowerCase().replace(/\.$/, '') === name);
  const keyTags: number[] = [];
  const signedBy: number[] = [];
  for (const record of records) {
    if (record.type === 'DNSKEY') keyTags.push(keyTagOf(record.data));
    if (record.type === 'RRSIG' && record.data.typeCovered === 'DNSKEY') signedBy.push(record.data.keyTag);
  }
  return { server: `${server.host}:${server.port}`, keyTags, signedBy };
}

/**
 * Why a resolver that follows a DS naming `keyTags` might not find its key: each of `servers`
 * that does not serve it, signed, or does not answer; null when every one serves it.
 */
export async function whyKeysNotServed(
  servers: readonly DnsServerAddress[],
  zone: string,
  keyTags: readonly number[],
): Promise<string | null> {
  const reasons = await Promise.all(
    servers.map(async (server) => {
      try {
        const served = await servedKeys(server, zone);
        const missing = keyTags.filter(
          (tag) => !served.keyTags.includes(tag) || !served.signedBy.includes(tag),
        );
        return missing.length > 0 ? `${served.server} does not serve key ${missing.join(', ')} signed` : null;
      } catch (err) {
        return `${server.host}:${server.port} did not answer (${(err as Error).message})`;
      }
    }),
  );
  const why = reasons.filter((r) => r !== null);
  return why.length > 0 ? why.join('; ') : null;
}
