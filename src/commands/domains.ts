import type { Command } from 'commander';
import { Domain } from '../db/models';
import { normaliseDomainName } from '../domain-name';
import { presentDomain } from '../views/domains';
import { cliActor } from '../services/audit';
import type { CoreDeps } from '../services/deps';
import { glueHostsOf, runHostOperation, setGlueHost } from '../services/glue-hosts';
import { cancelTransfer } from '../services/transfers';
import { jsonOption, printRecord, printRows, withCore, withDb } from './context';

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

  const domainNamed = async (db: CoreDeps['db'], name: string) => {
    const domain = await Domain.query(db).findOne({ name: normaliseDomainName(name).ascii });
    if (!domain) throw new Error(`no domain ${name} in the database`);
    return domain;
  };
  jsonOption(
    program
      .command('host:list <domain>')
      .description(
        'The nameserver hosts (glue) registered under a domain, from our record (no registrar call).',
      ),
  ).action(async (name: string, opts: { json?: boolean }) => {
    await withDb(async (db) => {
      const domain = await domainNamed(db, name);
      printRows(
        (await glueHostsOf(db, domain.id)).map((h) => ({ host: h.host, ips: h.ips.join(', ') })),
        { json: opts.json, empty: `(no nameserver hosts under ${domain.name})` },
      );
    });
  });
  program
    .command('host:set <domain> <host>')
    .description(
      'Register a nameserver host (glue) under a domain with its addresses, or change them: register_ns / set_ns_ip at the registrar, by a domain operation workflow.',
    )
    .requiredOption('--ip <address...>', 'one to ten IPv4 or IPv6 addresses')
    .action(async (name: string, host: string, opts: { ip: string[] }) => {
      await withCore(async (deps) => {
        const domain = await domainNamed(deps.db, name);
        const set = await setGlueHost(deps, domain, { host, ips: opts.ip });
        console.log(`${set.registered ? 'registered' : 'updated'} ${set.host}: ${set.ips.join(', ')}`);
      });
    });
  program
    .command('host:delete <domain> <host>')
    .description(
      'Delete a nameserver host (glue) at the registrar (refused while a domain uses it), by a domain operation workflow.',
    )
    .action(async (name: string, host: string) => {
      await withCore(async (deps) => {
        const domain = await domainNamed(deps.db, name);
        await runHostOperation(deps, domain, { op: 'delete_host', host: host.toLowerCase() });
        console.log(`deleted ${host.toLowerCase()}`);
      });
    });
}
