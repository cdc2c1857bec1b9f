import type { FailureRenderer } from './envelope';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { ParameterizedContext } from 'koa';
import type { RouterContext } from '@koa/router';
import type { Ability } from '../auth/credentials';
import type { Config } from '../config';
import type { ApiCredential, Reseller } from '../db/models';
import type { Logger } from '../logger';
import type { Gateways } from '../payments';
import type { Registrar } from '../registrar/types';
import type { SecretBox } from '../secrets';

/** Everything the API needs, built once by main-api.ts (or a test) and passed in. */
export interface AppDeps {
  config: Config;
  db: Knex;
  temporal: Client;
  log: Logger;
  /** For reads only (availability, prices); mutations go through workflows. */
  registrar: Registrar;
  secrets: SecretBox;
  gateways: Gateways;
}

export interface AuthState {
  reseller: Reseller;
  credential: ApiCredential;
  abilities: ReadonlySet<Ability>;
}

export interface AppState {
  requestId: string;
  auth?: AuthState;
  /** Validated input, set by `validate()`. */
  input?: unknown;
  /** Stable code of the error answered, for the request log. */
  errorCode?: string;
  /** The request's Idempotency-Key, once checked. */
  idempotencyKey?: string;
  /** The envelope of the surface the request is for, when it is not the standard one. */
  renderFailure?: FailureRenderer;
}

export type AppContext = ParameterizedContext<AppState>;
export type AppRouterContext = RouterContext<AppState>;

export function requireAuth(ctx: { state: AppState }): AuthState {
  if (!ctx.state.auth) throw new Error('route reached without authentication');
  return ctx.state.auth;
}
