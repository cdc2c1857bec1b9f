import type { Command } from 'commander';
import { Domain } from '../db/models';
import { normaliseDomainName } from '../domain-name';
import { presentDomain } from '../views/domains';
import { jsonOption, printRecord, withDb } from './context';

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
}
