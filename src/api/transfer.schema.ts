import { z } from 'zod';
import { TRANSFER_STATES } from '../../workflows/contracts';

/** A transfer's state at the registrar, on the order, with what the reseller must do when it waits for them. */
export const TransferJson = z
  .object({
    status: z
      .enum(TRANSFER_STATES)
      .describe(
        'none (not listed yet), waiting, approved, pending, auth_code_needed, locked, completed, cancelled or failed',
      ),
    message: z
      .string()
      .nullable()
      .describe(
        'auth_code_needed: send a new code (POST /api/v1/orders/{order}/auth-code); locked: unlock at the losing registrar',
      ),
  })
  .meta({ id: 'Transfer' });
