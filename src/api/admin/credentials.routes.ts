import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../http/answers';
import { CredentialJson, IssuedJson, RegeneratedJson, WhitelistJson } from '../../views/account';
import {
  issueToken,
  listCredentials,
  regenerateApiKey,
  revokeCredential,
  setApiWhitelist,
} from '../../services/credentials';
import { showReseller } from '../../services/resellers';
import { presentCredential, presentIssued, presentRegenerated } from '../../views/account';
import type { AppDeps, AppState } from '../http/context';
import { adminActor } from '../http/context';
import { respond } from '../http/envelope';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { input, validate } from '../http/validate';
import {
  resellerCredentialRequest,
  resellerRegenerateRequest,
  resellerRequest,
  resellerTokenRequest,
  resellerWhitelistRequest,
} from './resellers.schema';

/** Operators manage a reseller's credentials (list, issue a token, regenerate the API key, revoke) and API whitelist. */
export function createAdminCredentialsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const read = requireAbility('admin.read');
  const write = requireAbility('admin.write');
  const keyed = idempotency(deps.db, { required: false });

  router.get(
    '/resellers/:reseller/credentials',
    answers({ 200: z.object({ credentials: z.array(CredentialJson) }) }, ['reseller_not_found']),
    read,
    validate(resellerRequest),
    async (ctx) => {
      const { params } = input(ctx, resellerRequest);
      await showReseller(deps.db, params.reseller);
      const rows = await listCredentials(deps.db, { resellerId: params.reseller });
      respond(ctx, { credentials: rows.map(presentCredential) });
    },
  );

  router.post(
    '/resellers/:reseller/tokens',
    answers({ 201: IssuedJson }, ['reseller_not_found']),
    write,
    validate(resellerTokenRequest),
    keyed,
    async (ctx) => {
      const { params, body } = input(ctx, resellerTokenRequest);
      await showReseller(deps.db, params.reseller);
      const issued = await issueToken(deps.db, adminActor(ctx), params.reseller, {
        name: body.name,
        abilities: body.abilities,
        expiresAt: body.expires_at ?? null,
      });
      respond(ctx, presentIssued(issued), 'Token issued. It is shown once.', 201);
    },
  );

  router.post(
    '/resellers/:reseller/api-key/regenerate',
    answers({ 201: RegeneratedJson }, ['reseller_not_found', 'credential_not_found']),
    write,
    validate(resellerRegenerateRequest),
    keyed,
    async (ctx) => {
      const { params, body } = input(ctx, resellerRegenerateRequest);
      await showReseller(deps.db, params.reseller);
      const res = await regenerateApiKey(deps.db, adminActor(ctx), params.reseller, {
        prefix: body.prefix,
        graceSeconds: body.grace_seconds,
      });
      respond(ctx, presentRegenerated(res), 'API key regenerated. The new key is shown once.', 201);
    },
  );

  router.delete(
    '/resellers/:reseller/credentials/:credential',
    answers({ 200: z.object({ credential: CredentialJson }) }, ['credential_not_found']),
    write,
    validate(resellerCredentialRequest),
    async (ctx) => {
      const { params } = input(ctx, resellerCredentialRequest);
      const revoked = await revokeCredential(
        deps.db,
        adminActor(ctx),
        { resellerId: params.reseller },
        params.credential,
      );
      respond(ctx, { credential: presentCredential(revoked) }, 'Credential revoked.');
    },
  );

  router.put(
    '/resellers/:reseller/ip-whitelist',
    answers({ 200: WhitelistJson }, ['reseller_not_found']),
    write,
    validate(resellerWhitelistRequest),
    keyed,
    async (ctx) => {
      const { params, body } = input(ctx, resellerWhitelistRequest);
      const ips = await setApiWhitelist(deps.db, adminActor(ctx), params.reseller, body.ips);
      respond(ctx, { ips, blocks_all: ips.length === 0 }, 'API whitelist updated.');
    },
  );
  return router;
}
