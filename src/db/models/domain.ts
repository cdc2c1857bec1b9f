import { BaseModel } from './base';

export class Domain extends BaseModel {
  static override tableName = 'domains';
  static override jsonAttributes = ['registrarMetadata'];

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
  createdAt!: Date;
  updatedAt!: Date;
}
