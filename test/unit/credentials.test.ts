import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  generateSecret,
  hashSecret,
  ipAllowed,
  isValidAllowlistEntry,
  normaliseIp,
  parseSecret,
  secretMatches,
} from '../../src/auth/credentials';

describe('credential secrets', () => {
  it('generates tokens and API keys of the documented shape, each unique', () => {
    const token = generateSecret('token');
    const key = generateSecret('api_key');
    expect(token.secret).toMatch(/^drk_[0-9A-Za-z]{12}_[0-9A-Za-z]{40}$/);
    expect(key.secret).toMatch(/^dak_[0-9A-Za-z]{12}_[0-9A-Za-z]{40}$/);
    expect(token.secret.startsWith(`${token.prefix}_`)).toBe(true);
    expect(token.secretHash).toBe(hashSecret(token.secret));
    expect(token.secretHash).not.toContain(token.secret.slice(-40));
    const many = new Set(Array.from({ length: 500 }, () => generateSecret('token').secret));
    expect(many.size).toBe(500);
  });

  it('parses only our shapes and tells the kinds apart', () => {
    const token = generateSecret('token');
    expect(parseSecret(token.secret)).toEqual({ kind: 'token', prefix: token.prefix, secret: token.secret });
    expect(parseSecret(generateSecret('api_key').secret)?.kind).toBe('api_key');
    for (const junk of [
      '',
      'drk_',
      'drk_short_secret',
      `${token.secret}x`,
      token.secret.replace('drk', 'xyz'),
    ]) {
      expect(parseSecret(junk)).toBeNull();
    }
  });

  it('matches a secret only against its own hash', () => {
    const a = generateSecret('token');
    const b = generateSecret('token');
    expect(secretMatches(a.secret, a.secretHash)).toBe(true);
    expect(secretMatches(b.secret, a.secretHash)).toBe(false);
    expect(secretMatches(a.secret, 'not-hex')).toBe(false);
  });
});

describe('constant-time comparison', () => {
  it('matches equal strings only, whatever their lengths, without throwing', () => {
    expect(constantTimeEqual('tok_abc', 'tok_abc')).toBe(true);
    expect(constantTimeEqual('tok_abc', 'tok_abd')).toBe(false);
    expect(constantTimeEqual('tok_ab', 'tok_abc')).toBe(false);
    expect(constantTimeEqual('', 'x'.repeat(1000))).toBe(false);
    expect(constantTimeEqual('é', 'é')).toBe(true);
  });
});

describe('IP allowlist', () => {
  it.each([
    ['127.0.0.1', ['127.0.0.1'], true],
    ['::ffff:127.0.0.1', ['127.0.0.1'], true],
    ['10.1.2.3', ['10.0.0.0/8'], true],
    ['11.1.2.3', ['10.0.0.0/8'], false],
    ['2001:db8::5', ['2001:db8::/32'], true],
    ['2001:db9::5', ['2001:db8::/32'], false],
    ['::1', ['::1'], true],
    ['127.0.0.1', [], false],
    ['not-an-ip', ['0.0.0.0/0'], false],
  ] as const)('%s in %j → %s', (ip, list, expected) => {
    expect(ipAllowed(ip, list)).toBe(expected);
  });

  it('validates entries', () => {
    expect(isValidAllowlistEntry('192.168.0.0/16')).toBe(true);
    expect(isValidAllowlistEntry('2001:db8::/129')).toBe(false);
    expect(isValidAllowlistEntry('10.0.0.0/33')).toBe(false);
    expect(isValidAllowlistEntry('example.com')).toBe(false);
    expect(normaliseIp(' ::ffff:10.0.0.1 ')).toBe('10.0.0.1');
  });
});
