import { describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/auth/credentials';
import { REDACTED, redact } from '../../src/redact';

describe('redact', () => {
  it('removes secrets at any depth, in any key spelling, and keeps the rest', () => {
    const token = generateSecret('token').secret;
    const input = {
      domain_name: 'example.com',
      api_key: 'k1',
      'X-API-KEY': 'k2',
      authorization: `Bearer ${token}`,
      nested: {
        password: 'p',
        authCode: 'EPP-1',
        epp_code: 'EPP-2',
        eppCode: 'EPP-3',
        list: [{ client_secret: 's' }, { note: `token is ${token}` }],
      },
      registrant: { name: 'Owner', email: 'o@example.com' },
      signature_key: 'sig',
      'x-callback-token': 'cb',
      'Idempotency-Key': 'order-1',
    };
    const out = redact(input) as typeof input;
    expect(out.domain_name).toBe('example.com');
    expect(out.api_key).toBe(REDACTED);
    expect(out['X-API-KEY']).toBe(REDACTED);
    expect(out.authorization).toBe(REDACTED);
    expect(out.nested.password).toBe(REDACTED);
    expect(out.nested.authCode).toBe(REDACTED);
    expect(out.nested.epp_code).toBe(REDACTED);
    expect(out.nested.eppCode).toBe(REDACTED);
    expect(out.nested.list[0]).toEqual({ client_secret: REDACTED });
    expect(out.nested.list[1]).toEqual({ note: `token is ${REDACTED}` });
    expect(out.registrant).toEqual({ name: 'Owner', email: 'o@example.com' });
    expect(out.signature_key).toBe(REDACTED);
    expect(out['x-callback-token']).toBe(REDACTED);
    expect(out['Idempotency-Key']).toBe('order-1');
    expect(JSON.stringify(out)).not.toMatch(/EPP-|k1|k2|drk_/);
  });
});
