/**
 * The live registrar's lag: after a registration, and after a nameserver, Whois, lock or privacy
 * change, its reads of the domain (`domain_info`, `get_ns`) go on answering what they showed before
 * for up to about 30 minutes; a fresh registration is answered "could not find domain in your
 * account" (shared/reference/registrars-and-peers.md §1.3b, "Lag"). The account's domain list
 * (`list_domain`) shows a registration at once. Which reads lag, and that they answer the earlier
 * state rather than an error after a change, is ours: the reference names `domain_info` and "reads
 * such as" it.
 */
import type { SimDomain, SimDomainView, SimState } from './state';

const viewOf = (d: SimDomain): SimDomainView => ({
  nameservers: [...d.nameservers],
  locked: d.locked,
  privacy: d.privacy,
  contacts: { ...d.contacts },
});

/** A fresh registration: reads do not find the domain until the lag has passed. */
export function registeredNow(sim: Pick<SimState, 'lagMs'>, d: SimDomain): void {
  if (sim.lagMs > 0) d.shown = { until: Date.now() + sim.lagMs, as: null };
}

/**
 * Call before changing what reads show of `d`: they keep answering the domain as it was before
 * the first change of the window, and the window runs the lag from this change.
 */
export function changing(sim: Pick<SimState, 'lagMs'>, d: SimDomain): void {
  if (sim.lagMs <= 0) return;
  const now = Date.now();
  const before = d.shown && d.shown.until > now ? d.shown.as : viewOf(d);
  d.shown = { until: now + sim.lagMs, as: before };
}

/** What a read answers of `d` now: the domain as it was, as it is, or undefined (not found yet). */
export function shown(d: SimDomain | undefined): SimDomain | undefined {
  if (!d || !d.shown || d.shown.until <= Date.now()) return d;
  return d.shown.as ? { ...d, ...d.shown.as } : undefined;
}
