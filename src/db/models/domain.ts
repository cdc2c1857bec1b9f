import type { ContactIds, Contacts } from '../../registrar/types';
import { BaseModel } from './base';

export class Domain extends BaseModel {
  static override tableName = 'domains';
  static override jsonAttributes = ['registrarMetadata', 'contacts', 'contactIds'];

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
  /** Our latest change the registrar may not show yet (null: it showed everything we changed). */
  registrarPendingSince!: Date | null;
  /** When the registrar was last seen to hold what our record says. */
  registrarSyncedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}
