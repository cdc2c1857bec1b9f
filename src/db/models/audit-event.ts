import { BaseModel } from './base';

export class AuditEvent extends BaseModel {
  static override tableName = 'audit_events';
  static override jsonAttributes = ['data'];

  id!: string;
  resellerId!: number | null;
  type!: string;
  subjectType!: string | null;
  subjectId!: string | null;
  data!: Record<string, unknown>;
  /** admin:<id>, reseller:<id>, cli:<user> or system. */
  actor!: string | null;
  acknowledgedAt!: Date | null;
  acknowledgedBy!: string | null;
  createdAt!: Date;
}
