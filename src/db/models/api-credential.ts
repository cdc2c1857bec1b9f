import { BaseModel } from './base';

export type CredentialKind = 'api_key' | 'token';

export class ApiCredential extends BaseModel {
  static override tableName = 'api_credentials';
  static override jsonAttributes = [];

  id!: number;
  resellerId!: number;
  kind!: CredentialKind;
  name!: string;
  prefix!: string;
  secretHash!: string;
  abilities!: string[];
  ipAllowlist!: string[];
  lastUsedAt!: Date | null;
  revokedAt!: Date | null;
  createdAt!: Date;
}
