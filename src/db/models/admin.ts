import { BaseModel } from './base';

export type AdminStatus = 'active' | 'disabled';

/** An operator of the business: signs in to the console and holds admin tokens. */
export class Admin extends BaseModel {
  static override tableName = 'admins';
  static override jsonAttributes = [];

  id!: number;
  email!: string;
  name!: string;
  status!: AdminStatus;
  createdAt!: Date;
  updatedAt!: Date;
}
