import { describe, expect, it } from 'vitest';
import { TimeoutError, withTimeout } from '../../src/timeout';

const later = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms));

describe('withTimeout', () => {
  it('passes a value or a rejection through when the promise settles first', async () => {
    await expect(withTimeout(later(5, 'ok'), 1000)).resolves.toBe('ok');
    await expect(withTimeout(Promise.reject(new RangeError('boom')), 1000)).rejects.toThrow(RangeError);
  });

  it('rejects with a TimeoutError, or the caller’s own error, when time runs out first', async () => {
    const err = await withTimeout(later(1000, 'late'), 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).ms).toBe(10);
    await expect(withTimeout(later(1000, 'late'), 10, () => new SyntaxError('mine'))).rejects.toThrow(
      SyntaxError,
    );
  });
});
