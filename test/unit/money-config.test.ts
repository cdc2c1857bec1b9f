import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { formatMinor, moneyJson } from '../../src/money';

describe('money', () => {
  it.each([
    [12345n, 'USD', '123.45'],
    [5n, 'USD', '0.05'],
    [-5n, 'USD', '-0.05'],
    [0n, 'USD', '0.00'],
    [150000n, 'IDR', '150000'],
    [9007199254740993n, 'USD', '90071992547409.93'],
  ] as const)('%s %s → %s', (amount, currency, text) => {
    expect(formatMinor(amount, currency)).toBe(text);
  });

  it('renders JSON without floats', () => {
    expect(moneyJson(1999n, 'USD')).toEqual({ currency: 'USD', amount_minor: '1999', amount: '19.99' });
    expect(() => formatMinor(1n, 'XXX')).toThrow(/unsupported currency/);
  });
});

describe('config', () => {
  it('applies defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.TEMPORAL_UI_PORT).toBe(8233);
    expect(config.TRUST_PROXY).toBe(false);
  });

  it('rejects bad values with every problem named', () => {
    expect(() => loadConfig({ PORT: 'abc', BODY_LIMIT: 'lots', TRUST_PROXY: 'maybe' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'abc', BODY_LIMIT: 'lots' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/BODY_LIMIT/);
    }
  });
});
