import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import type { ConnectionLike } from '@temporalio/client';
import type { TaskQueues } from '../workflows/contracts';
import { pendingByEndpoint } from './services/webhook-check';
import { temporalCallsInFlight } from './temporal/client';
import { type QueueBacklog, queueBacklogs } from './temporal/queue-stats';
import cluster from 'node:cluster';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  middleware: Middleware;
  /** The exposition text: this process's, or in a cluster every process's, aggregated. */
  text(): Promise<string>;
}

/**
 * Prometheus metrics of the API process: HTTP counts and latency by route and status, plus
 * business gauges read from Postgres at scrape time (so every API replica reports the same
 * truth): orders by status, webhook deliveries by status, ledger holds outstanding.
 */
export function createApiMetrics(
  db: Knex,
  /** The API log writer's queue: rows waiting to be written, and rows dropped. */
  apiLogs: { readonly pending: number; readonly dropped: number },
  /** Where the task queues' backlogs are read (absent: those gauges are not exported). */
  temporal?: { connection: ConnectionLike; namespace: string; queues: TaskQueues },
): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'api_processes',
    help: 'API processes answering for this endpoint (one, or every process of a cluster)',
    registers: [registry],
    collect() {
      this.set(1);
    },
  });
  new Gauge({
    name: 'temporal_client_calls_in_flight',
    help: 'Temporal calls this process has open, by gRPC method (long polls included)',
    labelNames: ['method'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [method, open] of temporalCallsInFlight()) this.set({ method }, open);
    },
  });
  new Gauge({
    name: 'orders',
    // Read from Postgres: every process of a cluster reports the same figure.
    aggregator: 'first',
    help: 'Orders by action and status',
    labelNames: ['action', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db('orders')
        .select('action', 'status')
        .count<Array<{ action: string; status: string; count: string }>>('* as count')
        .groupBy('action', 'status');
      for (const r of rows) this.set({ action: r.action, status: r.status }, Number(r.count));
    },
  });
  new Gauge({
    name: 'webhook_deliveries',
    // Read from Postgres: every process of a cluster reports the same figure.
    aggregator: 'first',
    help: 'Webhook deliveries (event × endpoint) by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db('webhookJobs')
        .select('status')
        .count<Array<{ status: string; count: string }>>('* as count')
        .groupBy('status');
      for (const r of rows) this.set({ status: r.status }, Number(r.count));
    },
  });
  new Gauge({
    name: 'ledger_holds_outstanding',
    // Read from Postgres: every process of a cluster reports the same figure.
    aggregator: 'first',
    help: 'Pending wallet holds: count and total minor units by currency',
    labelNames: ['currency', 'measure'],
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await db.raw<{ rows: Array<{ currency: string; count: string; total: string }> }>(
        `SELECT currency, count(*)::text AS count, COALESCE(-SUM(amount_minor), 0)::text AS total
           FROM ledger_entries WHERE status = 'pending' GROUP BY currency`,
      );
      for (const r of rows) {
        this.set({ currency: r.currency.trim(), measure: 'count' }, Number(r.count));
        this.set({ currency: r.currency.trim(), measure: 'minor_units' }, Number(r.total));
      }
    },
  });

  new Gauge({
    name: 'webhook_endpoint_oldest_pending_seconds',
    // Read from Postgres: every process of a cluster reports the same figure.
    aggregator: 'first',
    help: 'Age of the oldest delivery not yet delivered or given up, per endpoint (the 20 furthest behind)',
    labelNames: ['endpoint_id'],
    registers: [registry],
    async collect() {
      this.reset();
      const now = Date.now();
      for (const b of await pendingByEndpoint(db))
        this.set({ endpoint_id: String(b.endpointId) }, (now - b.oldest.getTime()) / 1000);
    },
  });
  if (temporal) {
    // One DescribeTaskQueue round per scrape, shared by the three gauges.
    let read: { at: number; rows: Promise<QueueBacklog[]> } | undefined;
    const backlogs = () => {
      if (!read || Date.now() - read.at > 1_000)
        read = {
          at: Date.now(),
          rows: queueBacklogs(temporal.connection, temporal.namespace, temporal.queues),
        };
      return read.rows;
    };
    const queueGauge = (name: string, help: string, value: (q: QueueBacklog) => number) =>
      new Gauge({
        name,
        // Read from the Temporal server: every process of a cluster reports the same figure.
        aggregator: 'first',
        help,
        labelNames: ['task_queue', 'type', 'kind'],
        registers: [registry],
        async collect() {
          this.reset();
          for (const q of await backlogs().catch(() => []))
            this.set({ task_queue: q.taskQueue, type: q.type, kind: q.kind }, value(q));
        },
      });
    queueGauge(
      'temporal_task_queue_backlog',
      'Tasks waiting for a worker, per task queue and task type',
      (q) => q.backlog,
    );
    queueGauge(
      'temporal_task_queue_backlog_age_seconds',
      'How long the oldest waiting task has waited, per task queue and task type',
      (q) => q.oldestSeconds,
    );
    queueGauge(
      'temporal_task_queue_pollers',
      'Workers polling, per task queue and task type',
      (q) => q.pollers,
    );
  }

  new Gauge({
    name: 'api_log_rows',
    help: 'api_logs rows of this process: queued (not yet written) and dropped (queue overflow or refused)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'queued' }, apiLogs.pending);
      this.set({ state: 'dropped' }, apiLogs.dropped);
    },
  });

  const middleware: Middleware = async (ctx, next) => {
    const end = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const labels = {
        method: ctx.method,
        route: typeof matched === 'string' ? matched : 'unmatched',
        status: String(ctx.status),
      };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - end) / 1e9);
    }
  };
  // In a cluster (API_PROCESSES > 1) the primary gathers this registry from every process.
  if (cluster.isWorker) {
    AggregatorRegistry.setRegistries([registry]);
    new AggregatorRegistry(); // its constructor is what makes a process answer the primary
  }
  return { registry, middleware, text: () => (cluster.isWorker ? clusterMetrics() : registry.metrics()) };
}

const METRICS_REQUEST = 'domain-reseller:metrics';
let metricsRequests = 0;

/** The whole cluster's metrics, asked of the primary (which asks every process, this one included). */
function clusterMetrics(): Promise<string> {
  const id = (metricsRequests += 1);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the cluster primary did not answer for metrics'));
    }, 5_000);
    const onMessage = (message: { type?: string; id?: number; text?: string; error?: string }) => {
      if (message.type !== `${METRICS_REQUEST}:answer` || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.text ?? '');
    };
    process.on('message', onMessage);
    process.send?.({ type: METRICS_REQUEST, id });
  });
}

/** In the cluster primary: answers its processes' requests for the whole cluster's metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: number }) => {
    if (message.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: `${METRICS_REQUEST}:answer`, id: message.id, text }),
      (err: Error) => worker.send({ type: `${METRICS_REQUEST}:answer`, id: message.id, error: err.message }),
    );
  });
}
