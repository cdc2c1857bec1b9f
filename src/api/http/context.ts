import type { FailureRenderer } from './envelope';
import type { ParameterizedContext } from 'koa';
import type { RouterContext } from '@koa/router';
import type { Ability, AdminAbility } from '../../auth/credentials';
import type { Admin, ApiCredential, Reseller } from '../../db/models';
import type { CoreDeps } from '../../services/deps';

/** Everything the API needs: the core's dependencies, built once by main-api.ts (or a test). */
export type AppDeps = CoreDeps;

export interface AuthState {
  reseller: Reseller;
  credential: ApiCredential;
  abilities: ReadonlySet<Ability>;
}

/** An operator authenticated on the admin surface with an admin token. */
export interface AdminAuthState {
  admin: Admin;
  credential: ApiCredential;
  abilities: ReadonlySet<AdminAbility>;
}

export interface AppState {
  requestId: string;
  /** A reseller's credential (the reseller surfaces). */
  auth?: AuthState;
  /** An admin token (the admin surface). */
  admin?: AdminAuthState;
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

export function requireAdmin(ctx: { state: AppState }): AdminAuthState {
  if (!ctx.state.admin) throw new Error('admin route reached without admin authentication');
  return ctx.state.admin;
}

/** The audit actor of an admin-surface request: the operator behind the admin token. */
export const adminActor = (ctx: { state: AppState }) => `admin:${requireAdmin(ctx).admin.id}` as const;
