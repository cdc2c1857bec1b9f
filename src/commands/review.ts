import type { Command } from 'commander';
import { formatMinor } from '../money';
import { acknowledgeAuditEvent, cliActor } from '../services/audit';
import { resolveBillingFailure, reviewQueue } from '../services/reviews';
import { jsonOption, printRows, withCore, withDb } from './context';

/** The review queue: billing failures to capture or void, and money/registrar events to acknowledge. */
export function registerReview(program: Command): void {
  jsonOption(
    program
      .command('review:list')
      .description(
        'Orders in billing_failed, and unacknowledged billing_failed, payment_mismatch, registrar_drift and late_payment events.',
      ),
  ).action(async (opts: { json?: boolean }) => {
    await withDb(async (db) => {
      const q = await reviewQueue(db, { limit: 200 });
      if (opts.json) {
        console.log(JSON.stringify(q, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
        return;
      }
      console.log('orders waiting for capture or void:');
      printRows(
        q.orders.map((o) => ({
          order: o.order.publicId,
          reseller: o.order.resellerId,
          action: o.order.action,
          domain: o.order.domainName,
          amount: `${formatMinor(BigInt(o.order.amountMinor), o.order.currency.trim())} ${o.order.currency.trim()}`,
          since: o.failedAt,
          error: o.error?.slice(0, 60),
        })),
      );
      console.log('events to acknowledge:');
      printRows(
        q.events.map((e) => ({
          id: e.id,
          type: e.type,
          reseller: e.resellerId,
          subject: `${e.subjectType}:${e.subjectId}`,
          at: e.createdAt,
        })),
      );
    });
  });

  for (const resolution of ['capture', 'void'] as const) {
    program
      .command(`review:${resolution}`)
      .description(
        resolution === 'capture'
          ? 'Resolve a billing_failed order by capture: post the held funds, record the domain as the registrar holds it, complete the order.'
          : 'Resolve a billing_failed order by void: release the held funds (or refund a paid invoice) and fail the order.',
      )
      .requiredOption('--order <id>', 'the order’s public id (ord_…)')
      .requiredOption('--reason <text>', 'why (kept in the audit trail)')
      .action(async (opts: { order: string; reason: string }) => {
        await withCore(async (deps) => {
          const outcome = await resolveBillingFailure(
            deps,
            cliActor(),
            opts.order,
            { resolution, reason: opts.reason },
            60_000,
          );
          if (!outcome.done) {
            console.log(`still running: workflow ${outcome.workflowId} (see it in the Temporal UI)`);
            return;
          }
          if (!outcome.result.ok) {
            console.error(`not resolved: ${outcome.result.message} (${outcome.result.code})`);
            process.exitCode = 1;
            return;
          }
          console.log(`order ${outcome.order.publicId} is ${outcome.order.status} (${resolution})`);
        });
      });
  }

  program
    .command('review:ack')
    .description('Acknowledge a reviewed audit event (payment_mismatch, registrar_drift, late_payment).')
    .requiredOption('--event <id>', 'the audit event id')
    .option('--note <text>', 'what was done about it')
    .action(async (opts: { event: string; note?: string }) => {
      await withDb(async (db) => {
        const e = await acknowledgeAuditEvent(db, cliActor(), opts.event, opts.note);
        console.log(`event #${e.id} (${e.type}) acknowledged by ${e.acknowledgedBy ?? ''}`);
      });
    });
}
