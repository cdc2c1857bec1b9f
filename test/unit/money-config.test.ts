import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { formatMinor, moneyJson } from '../../src/money';
import { LIVE_SETTINGS } from '../live-settings';

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

  it('refuses to run in production while any development secret or the simulator URL is kept, naming each', () => {
    const real = LIVE_SETTINGS;
    expect(loadConfig(real).NODE_ENV).toBe('production');
    const message = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    const all = message({ NODE_ENV: 'production' });
    for (const name of Object.keys(real).filter((k) => k !== 'NODE_ENV')) {
      expect(all).toContain(`${name}: must be set in production`);
      const { [name]: _dropped, ...rest } = real;
      const one = message(rest);
      expect(one, name).toContain(name);
      expect(one.split('\n'), name).toHaveLength(2);
    }
    // The development defaults spelled out explicitly are refused just the same.
    expect(message({ ...real, XENDIT_CALLBACK_TOKEN: 'dev-only-xendit-callback-token' })).toContain(
      'XENDIT_CALLBACK_TOKEN',
    );
    expect(loadConfig({}).NODE_ENV).toBe('development');
  });
});
