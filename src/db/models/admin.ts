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
  /** scrypt hash for the console sign-in (null: no password set). Never presented. */
  passwordHash!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}
