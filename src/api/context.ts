import type { FailureRenderer } from './envelope';
import type { ParameterizedContext } from 'koa';
import type { RouterContext } from '@koa/router';
import type { Ability } from '../auth/credentials';
import type { ApiCredential, Reseller } from '../db/models';
import type { CoreDeps } from '../services/deps';

/** Everything the API needs: the core's dependencies, built once by main-api.ts (or a test). */
export type AppDeps = CoreDeps;

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
