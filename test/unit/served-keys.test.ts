import { describe, expect, it } from 'vitest';
import { keyTagOf, parseDnsServer } from '../../src/hosted-dns/served-keys';

describe('the key a DS names', () => {
  it("computes the key tag of RFC 4034 §5.4's example DNSKEY as the RFC gives it (60485)", () => {
    // RFC 4034, 5.4 "DS RR Example": dskey.example.com. DNSKEY 256 3 5 (…) ; key id = 60485,
    // and its DS "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118".
    const key = Buffer.from(
      'AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvx' +
        'egXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==',
      'base64',
    );
    expect(keyTagOf({ flags: 256, algorithm: 5, key })).toBe(60485);
    // One bit of the key changed: another tag (the sum covers the key, not only the header).
    const other = Buffer.from(key);
    other[10]! ^= 1;
    expect(keyTagOf({ flags: 256, algorithm: 5, key: other })).not.toBe(60485);
  });

  it('reads the addon servers as host:port, [v6]:port or a host on port 53', () => {
    expect(parseDnsServer('127.0.0.1:8053')).toEqual({ host: '127.0.0.1', port: 8053 });
    expect(parseDnsServer('[::1]:5300')).toEqual({ host: '::1', port: 5300 });
    expect(parseDnsServer('ns1.reseller-dns.net')).toEqual({ host: 'ns1.reseller-dns.net', port: 53 });
  });
});
