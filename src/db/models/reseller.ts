import { BaseModel } from './base';

export type ResellerRole = 'reseller' | 'admin';
export type ResellerStatus = 'active' | 'suspended';

export class Reseller extends BaseModel {
  static override tableName = 'resellers';
  static override jsonAttributes = [];

  id!: number;
  name!: string;
  email!: string;
  role!: ResellerRole;
  status!: ResellerStatus;
  currency!: string;
  markupBps!: number;
  /** When set, markupBps follows this tier's. */
  markupTierId!: number | null;
  /** scrypt hash for the portal sign-in (null: no password set). Never presented. */
  passwordHash!: string | null;
  /** The API whitelist (IPs or CIDR ranges) of every credential on /api/v1 and the legacy API; empty blocks them. */
  apiIpAllowlist!: string[];
  createdAt!: Date;
  updatedAt!: Date;
}
