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
  createdAt!: Date;
  updatedAt!: Date;
}
