import { z } from 'zod';

/** A yes/no variable: true, false, 1, 0, yes or no. */
export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A TCP port (0: any free one). */
export const port = z.coerce.number().int().min(0).max(65535);
