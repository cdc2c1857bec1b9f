import { BaseModel } from './base';

import type { CredentialKind } from '../../vocabulary';

export type { CredentialKind };

export class ApiCredential extends BaseModel {
  static override tableName = 'api_credentials';
  static override jsonAttributes = [];

  id!: number;
  /** The reseller's, or null for an admin token. */
  resellerId!: number | null;
  /** The admin's (admin tokens only). */
  adminId!: number | null;
  kind!: CredentialKind;
  name!: string;
  prefix!: string;
  secretHash!: string;
  abilities!: string[];
  ipAllowlist!: string[];
  lastUsedAt!: Date | null;
  /** Set in the future: revoked once that instant passes (a regenerated key's grace period). */
  revokedAt!: Date | null;
  expiresAt!: Date | null;
  createdAt!: Date;
}
