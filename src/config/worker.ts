import { z } from 'zod';
import { DEFAULT_TASK_QUEUES, TASK_QUEUE_KINDS, type TaskQueueKind } from '../../workflows/contracts';

const queueName = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, dot, dash and underscore');
const slots = z.coerce.number().int().min(1).max(2000);

/**
 * The worker's settings (part of the schema in index.ts): its task queues, one per kind of work
 * so a flood of one kind cannot take the worker slots another kind needs (the API, the CLI and
 * every worker must agree on the names), its slots, metrics and deployment version.
 */
export const WORKER_SETTINGS = {
  TEMPORAL_QUEUE_PROVISIONING: queueName
    .default(DEFAULT_TASK_QUEUES.provisioning)
    .describe(
      'task queue of orders, renewals, transfers, top-ups, domain and DNS operations (their registrar steps run on `<name>-registrar`)',
    ),
  TEMPORAL_QUEUE_WEBHOOKS: queueName
    .default(DEFAULT_TASK_QUEUES.webhooks)
    .describe('task queue of webhook deliveries and test events'),
  TEMPORAL_QUEUE_DEFAULT: queueName
    .default(DEFAULT_TASK_QUEUES.default)
    .describe(
      'task queue of expiry reminders, API log retention, billing reviews and the doctor ping; runs begun before the queues were split finish here',
    ),
  WORKER_QUEUES: z
    .string()
    .default(TASK_QUEUE_KINDS.join(','))
    .transform((v, ctx) => {
      const kinds = [...new Set(v.split(',').map((s) => s.trim()))];
      const unknown = kinds.filter((k) => !(TASK_QUEUE_KINDS as readonly string[]).includes(k));
      if (unknown.length > 0 || kinds.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `use a comma-separated subset of ${TASK_QUEUE_KINDS.join(', ')} (not ${unknown.join(', ') || 'nothing'})`,
        });
        return z.NEVER;
      }
      return kinds as TaskQueueKind[];
    })
    .describe(
      'the kinds of work this worker polls (`provisioning`, `webhooks`, `default`, comma-separated); `worker --queues` overrides it',
    ),
  WORKER_PROVISIONING_SLOTS: slots
    .default(50)
    .describe(
      'activities this worker runs at once on the provisioning queue (registrar steps have their own limit)',
    ),
  WORKER_WEBHOOKS_SLOTS: slots.default(100).describe('webhook delivery attempts this worker runs at once'),
  WORKER_DEFAULT_SLOTS: slots
    .default(20)
    .describe('activities this worker runs at once on the default queue'),
  WEBHOOK_ENDPOINT_MAX_IN_FLIGHT: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe(
      "deliveries one endpoint may have started and unfinished (attempting or waiting to retry); the rest wait their turn, so a dead receiver holds at most this many of the webhook queue's slots",
    ),
  WORKER_METRICS_ADDRESS: z
    .string()
    .default('127.0.0.1:9464')
    .describe('where the worker serves the Temporal SDK metrics (empty: off)'),
  WORKER_DEPLOYMENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/)
    .optional()
    .describe(
      'Worker Deployment Versioning: the deployment this worker belongs to (unset: an unversioned worker, as `npm run dev` runs). Needs WORKER_BUILD_ID',
    ),
  WORKER_BUILD_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/)
    .optional()
    .describe(
      "this worker build's version in its deployment (a release tag or commit); a new build is made current with `worker:set-current`",
    ),
  WORKFLOW_BUNDLE_PATH: z
    .string()
    .min(1)
    .optional()
    .describe(
      "a workflow bundle built beforehand from this build's workflows/ (the SDK's bundleWorkflowCode output, as the tests build once for every worker they start); unset: the worker bundles its workflow code at start (seconds of CPU)",
    ),
};

/** A refusal when two kinds of work share a queue (null when each has its own). */
export function distinctQueues(config: {
  TEMPORAL_QUEUE_PROVISIONING: string;
  TEMPORAL_QUEUE_WEBHOOKS: string;
  TEMPORAL_QUEUE_DEFAULT: string;
}): string | null {
  const queues = [
    config.TEMPORAL_QUEUE_PROVISIONING,
    config.TEMPORAL_QUEUE_WEBHOOKS,
    config.TEMPORAL_QUEUE_DEFAULT,
  ];
  return new Set(queues).size === queues.length
    ? null
    : `TEMPORAL_QUEUE_*: each kind of work needs a queue of its own (${queues.join(', ')})`;
}
