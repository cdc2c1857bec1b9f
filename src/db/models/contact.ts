/** A row of `contacts`: a reseller's contact handle (camelCase, as knex reads it). */
export interface ContactRow {
  id: number;
  publicId: string;
  resellerId: number;
  name: string;
  organization: string | null;
  address1: string;
  address2: string | null;
  city: string;
  state: string | null;
  postcode: string;
  country: string;
  phone: string;
  email: string;
  fingerprint: string;
  version: number;
  /** The registrar's contact ID mirroring `registrarVersion` of this handle (null: not yet). */
  registrarContactId: string | null;
  registrarVersion: number | null;
  /** Registrar IDs of earlier versions, deleted there once no domain uses them. */
  retiredRegistrarIds: string[];
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** The handles an order or a Whois change names (`contacts.id`): the admin may be the registrant's. */
export interface ContactRefs {
  registrant: number;
  admin: number;
}
