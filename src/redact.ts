/**
 * Removes secrets before anything is stored or logged: API keys, tokens, passwords, secrets,
 * signatures and EPP/auth codes, at any depth of a body, in headers and in query strings.
 */
const SENSITIVE_KEY =
  /(^|[_\-.])(api[_-]?key|apikey|token|access[_-]?token|refresh[_-]?token|password|passwd|secret|client[_-]?secret|server[_-]?key|signature|signature[_-]?key|authorization|cookie|set[_-]?cookie|epp|epp[_-]?code|auth[_-]?code|authcode|auth[_-]?info|transfer[_-]?code|callback[_-]?token|x[_-]?api[_-]?key|x[_-]?callback[_-]?token)$/i;

export const REDACTED = '[REDACTED]';

/** Our own credential shapes, caught even where a field name does not give them away. */
const SECRET_VALUE = /\b(drk|dak|dat)_[0-9A-Za-z]{12}_[0-9A-Za-z]{40}\b/g;

// Every logged request walks its headers and bodies: the verdict per key name is remembered
// (bounded, so generated key names cannot grow it without limit).
const verdicts = new Map<string, boolean>();

export function isSensitiveKey(key: string): boolean {
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const normalised = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
  const verdict = SENSITIVE_KEY.test(key) || SENSITIVE_KEY.test(normalised);
  if (verdicts.size >= 10_000) verdicts.clear();
  if (key.length <= 256) verdicts.set(key, verdict);
  return verdict;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (typeof value === 'string') return value.replace(SECRET_VALUE, REDACTED);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSensitiveKey(k) ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
