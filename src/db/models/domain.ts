import type { ContactIds, Contacts } from '../../registrar/types';
import { BaseModel } from './base';

/** An auto-renewal not charged because its price rose past the allowed share (minor units, `currency`). */
export interface RenewalHeld {
  priceMinor: string;
  previousMinor: string;
  currency: string;
  /** The expiry the held renewal was for. */
  expiresAt: string;
  since: string;
}

export class Domain extends BaseModel {
  static override tableName = 'domains';
  static override jsonAttributes = ['registrarMetadata', 'contacts', 'contactIds', 'renewalHeld'];

  id!: number;
  resellerId!: number;
  name!: string;
  status!: string;
  registeredAt!: Date | null;
  expiresAt!: Date | null;
  autoRenew!: boolean;
  privacy!: string;
  locked!: boolean;
  nameservers!: string[];
  registrar!: string;
  registrarMetadata!: Record<string, unknown>;
  lastSyncedAt!: Date | null;
  /** The Whois contacts we sent (null: never sent by us, e.g. a transfer in, until first read). */
  contacts!: Contacts | null;
  /** Their IDs at the registrar. */
  contactIds!: ContactIds | null;
  /** The contact handles (`contacts.id`) the domain uses (null: contacts from before handles, or none sent). */
  registrantContactId!: number | null;
  adminContactId!: number | null;
  /** Our latest change the registrar may not show yet (null: it showed everything we changed). */
  registrarPendingSince!: Date | null;
  /** When the registrar was last seen to hold what our record says. */
  registrarSyncedAt!: Date | null;
  /** Registered as a premium name: renews at the registrar's premium price. */
  premium!: boolean;
  /** What the reseller last paid for one year of it (register, renew or transfer), in `lastPaidCurrency`. */
  lastPaidMinor!: string | null;
  lastPaidCurrency!: string | null;
  /** The auto-renewal held back because its price rose (null: none). */
  renewalHeld!: RenewalHeld | null;
  createdAt!: Date;
  updatedAt!: Date;
}
