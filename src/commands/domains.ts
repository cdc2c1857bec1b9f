import type { Command } from 'commander';
import { Domain } from '../db/models';
import { normaliseDomainName } from '../domain-name';
import { presentDomain } from '../views/domains';
import { cliActor } from '../services/audit';
import { cancelTransfer } from '../services/transfers';
import { jsonOption, printRecord, withCore, withDb } from './context';

/** A domain as our record holds it: what the API answers, with whether the registrar shows it yet. */
export function registerDomains(program: Command): void {
  jsonOption(
    program
      .command('domain:show <domain>')
      .description(
        "A domain from our record (no registrar call): settings, contacts sent, and registrar_synced (false while the registrar's lag hides our latest change).",
      ),
  ).action(async (name: string, opts: { json?: boolean }) => {
    await withDb(async (db) => {
      const domain = await Domain.query(db).findOne({ name: normaliseDomainName(name).ascii });
      if (!domain) {
        console.error(`no domain ${name} in the database`);
        process.exitCode = 1;
        return;
      }
      const contacts = domain.contacts;
      printRecord(
        {
          reseller: domain.resellerId,
          ...presentDomain(domain),
          registrant: contacts ? `${contacts.registrant.name} <${contacts.registrant.email}>` : null,
          admin: contacts ? `${contacts.admin.name} <${contacts.admin.email}>` : null,
          registrar_pending_since: domain.registrarPendingSince?.toISOString() ?? null,
        },
        opts,
      );
    });
  });

  program
    .command('transfer:cancel')
    .description(
      "Cancel a pending transfer: the order's workflow calls the registrar's cancel_transfer once, releases the held funds and fails the order transfer_cancelled.",
    )
    .requiredOption('--order <id>', 'the order’s public id (ord_…)')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .action(async (opts: { order: string; reason: string }) => {
      await withCore(async (deps) => {
        const order = await cancelTransfer(deps, { operator: true }, opts.order, {
          by: cliActor(),
          reason: opts.reason,
        });
        console.log(`cancelling the transfer of ${order.domain} (order ${order.publicId}, ${order.status})`);
      });
    });
}
