import { z } from 'zod';

const ms = (max: number) => z.coerce.number().int().min(0).max(max);

/**
 * How the API's HTTP server keeps connections and how a process stops on deploy (part of the
 * schema in index.ts). A load balancer reuses its idle connections to the API until its own idle
 * timeout: the API must keep them open longer, or the balancer sends a request on a connection
 * the API is closing and answers its client 502 (docs/production.md, "Behind a load balancer").
 */
export const HTTP_SETTINGS = {
  HTTP_KEEP_ALIVE_TIMEOUT_MS: ms(3_600_000)
    .default(65_000)
    .describe(
      "how long the API keeps an idle keep-alive connection open; above the load balancer's idle timeout (AWS ALB 60 s, GCP 600 s: set it above that, nginx `keepalive_timeout` upstream 60 s)",
    ),
  HTTP_HEADERS_TIMEOUT_MS: ms(3_600_000)
    .default(66_000)
    .describe(
      "how long a request's headers may take to arrive; above HTTP_KEEP_ALIVE_TIMEOUT_MS, so a request begun as the idle timer ends is not cut",
    ),
  HTTP_REQUEST_TIMEOUT_MS: ms(3_600_000)
    .default(120_000)
    .describe('how long a whole request may take to arrive (0: no limit); at least HTTP_HEADERS_TIMEOUT_MS'),
  API_DRAIN_DELAY_MS: ms(600_000)
    .default(10_000)
    .describe(
      "on SIGTERM, how long the API answers `/readyz` 503 (and every answer `Connection: close`) before it stops accepting: the load balancer's health-check interval × its unhealthy threshold, so it stops sending first",
    ),
  API_SHUTDOWN_TIMEOUT_MS: ms(600_000)
    .default(30_000)
    .describe(
      'after it stops accepting, how long the API lets requests in flight finish before it closes their connections',
    ),
  WORKER_SHUTDOWN_GRACE_MS: ms(3_600_000)
    .default(30_000)
    .describe(
      'on SIGTERM, how long a worker lets its running activities finish after it stops polling; then they are cancelled (and retried by another worker)',
    ),
};

/** A refusal when the HTTP timeouts are out of order (null when they are not). */
export function orderedTimeouts(config: {
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
}): string | null {
  if (config.HTTP_HEADERS_TIMEOUT_MS <= config.HTTP_KEEP_ALIVE_TIMEOUT_MS)
    return `HTTP_HEADERS_TIMEOUT_MS (${config.HTTP_HEADERS_TIMEOUT_MS}) must exceed HTTP_KEEP_ALIVE_TIMEOUT_MS (${config.HTTP_KEEP_ALIVE_TIMEOUT_MS})`;
  if (config.HTTP_REQUEST_TIMEOUT_MS !== 0 && config.HTTP_REQUEST_TIMEOUT_MS < config.HTTP_HEADERS_TIMEOUT_MS)
    return `HTTP_REQUEST_TIMEOUT_MS (${config.HTTP_REQUEST_TIMEOUT_MS}) must be 0 or at least HTTP_HEADERS_TIMEOUT_MS (${config.HTTP_HEADERS_TIMEOUT_MS})`;
  return null;
}
