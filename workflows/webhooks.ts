import { proxyActivities, setCurrentDetails, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { WebhookDeliveryInput, WebhookTestInput } from './contracts';
import { deliveryRetryProgress } from './summaries';

const { deliverWebhook, markWebhookFailed } = proxyActivities<Activities>({
  // One attempt = one HTTP call (bounded by its own timeout); activity retries only cover our own faults.
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

const MAX_DELAY_SECONDS = 6 * 3600;
/** How long a delivery waits before looking again at an earlier event of its lane still pending. */
const LANE_WAIT_SECONDS = 5;

/**
 * Delivers one event to one endpoint: attempts with exponential backoff and jitter (base,
 * 2×, 4× … capped at 6 h) until delivered, disabled (410), refused, or the deadline (the horizon,
 * ~3 days) passes. While an earlier event of its lane (same endpoint and subject) is still pending
 * it waits (`waiting`: no attempt was made), so a resent earlier event goes first.
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<string> {
  const started = Date.now();
  const deadline = input.deadline ? Date.parse(input.deadline) : started + input.horizonSeconds * 1000;
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await deliverWebhook.executeWithOptions(
      { summary: `Attempt ${attempt}: POST the signed event to endpoint #${input.endpointId ?? '?'}` },
      [input.jobId, input.endpointId],
    );
    if (outcome === 'waiting') {
      attempt -= 1;
      await sleep(LANE_WAIT_SECONDS * 1000);
      continue;
    }
    if (outcome !== 'retry') return outcome;
    const base = Math.min(input.backoffBaseSeconds * 2 ** (attempt - 1), MAX_DELAY_SECONDS);
    const delay = base * (0.8 + Math.random() * 0.4);
    if (Date.now() + delay * 1000 > deadline) {
      await markWebhookFailed(input.jobId);
      return 'failed';
    }
    setCurrentDetails(deliveryRetryProgress(attempt, delay * 1000, deadline));
    await sleep(delay * 1000);
  }
}

/** A test event, sent once now: the caller reads the attempt's answer; a failed one is not retried. */
export async function webhookTestWorkflow(input: WebhookTestInput): Promise<string> {
  const outcome = await deliverWebhook(input.jobId, input.endpointId);
  if (outcome === 'retry') await markWebhookFailed(input.jobId);
  return outcome === 'retry' ? 'failed' : outcome;
}
