import { randomUUID } from 'node:crypto';

/** The public IDs callers see: a type prefix and 20 random hex characters (80 bits). */
export type PublicIdPrefix = 'ord' | 'inv' | 'whe' | 'con' | 'exp' | 'blk';

export const newPublicId = (prefix: PublicIdPrefix): string =>
  `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
