import { z } from 'zod';
import { idParam } from '../id.schema';
import { ABILITIES } from '../../auth/credentials';
import { isSupportedCurrency, SUPPORTED_CURRENCIES } from '../../money';
import { paginationQuery } from '../pagination.schema';
import {
  issueTokenRequest,
  regenerateKeyRequest,
  statementRequest,
  whitelistRequest,
} from '../account.schema';

const resellerParam = z.object({ reseller: idParam });

export const listResellersRequest = z.object({
  query: paginationQuery.extend({
    q: z.string().trim().max(200).optional(),
    status: z.enum(['active', 'suspended']).optional(),
  }),
});

const markup = z.string().trim().max(20).describe('Such as 20%, 12.5% or 1500bps.');

export const createResellerRequest = z.object({
  body: z.object({
    name: z.string({ error: 'The name field is required.' }).trim().min(1).max(200),
    email: z.email({ error: 'Not an email address.' }).max(320),
    currency: z
      .string({ error: 'The currency field is required.' })
      .trim()
      .toUpperCase()
      .refine(isSupportedCurrency, `A supported currency (${SUPPORTED_CURRENCIES.join(', ')}).`),
    ip_allowlist: z.array(z.string().max(64)).max(100).optional(),
    abilities: z.array(z.enum(ABILITIES)).min(1).optional(),
    markup_tier: z.string().trim().max(40).optional(),
    markup: markup.optional(),
  }),
});

export const resellerRequest = z.object({ params: resellerParam });

export const updateResellerRequest = z.object({
  params: resellerParam,
  body: z.object({
    name: z.string().trim().min(1).max(200).optional(),
    email: z.email({ error: 'Not an email address.' }).max(320).optional(),
    markup_tier: z.string().trim().max(40).nullable().optional(),
    markup: markup.optional(),
  }),
});

export const statusChangeRequest = z.object({
  params: resellerParam,
  body: z.object({ reason: z.string().trim().max(500).optional() }),
});

export const resellerTokenRequest = issueTokenRequest.extend({ params: resellerParam });
export const resellerRegenerateRequest = regenerateKeyRequest.extend({ params: resellerParam });
export const resellerCredentialRequest = z.object({
  params: resellerParam.extend({ credential: z.string().min(1).max(20) }),
});
export const resellerWhitelistRequest = whitelistRequest.extend({ params: resellerParam });
export const resellerStatementRequest = statementRequest.extend({ params: resellerParam });

export const adjustmentRequest = z.object({
  params: resellerParam,
  body: z.object({
    direction: z.enum(['credit', 'debit'], { error: 'The direction is credit or debit.' }),
    amount: z.string({ error: 'The amount field is required.' }).trim().min(1).max(32),
    reason: z.string({ error: 'The reason field is required.' }).trim().min(1).max(500),
  }),
});
