import { Model } from 'objection';

/** Shared base: timestamps are set by Postgres defaults; `updatedAt` is bumped on patch. */
export class BaseModel extends Model {
  override $beforeUpdate(): void {
    if ('updatedAt' in this) (this as { updatedAt?: Date }).updatedAt = new Date();
  }
}
