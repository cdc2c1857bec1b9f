import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from '../auth/passwords';
import { Admin, Reseller } from '../db/models';
import { type Actor, audit } from './audit';
import { notFound, unauthenticated, validationFailed } from './errors';

/** Who signs in to the browser pages: a reseller (the portal) or an admin (the console). */
export type SessionKind = 'reseller' | 'admin';

/** Each area's session cookie (the portal's pages set them; the codec server reads the console's). */
export const SESSION_COOKIES = { reseller: 'dr_session', admin: 'dr_console' } as const satisfies Record<
  SessionKind,
  string
>;

/** Sessions end after this long without a request… */
export const IDLE_MS = 12 * 3600_000;
/** …and after this long in any case. */
export const ABSOLUTE_MS = 7 * 86_400_000;
/** A one-time sign-in link works this long, once. */
export const SIGN_IN_LINK_MS = 60 * 60_000;

interface SessionRow {
  idHash: string;
  kind: SessionKind;
  subjectId: number;
  csrfToken: string;
  flash: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export type SignedIn =
  | { kind: 'reseller'; subject: Reseller; csrfToken: string; flash: string | null }
  | { kind: 'admin'; subject: Admin; csrfToken: string; flash: string | null };

const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(session: { csrfToken: string }, submitted: unknown): boolean {
  if (typeof submitted !== 'string') return false;
  const a = createHash('sha256').update(submitted).digest();
  const b = createHash('sha256').update(session.csrfToken).digest();
  return timingSafeEqual(a, b);
}

async function subject(
  db: Knex | Knex.Transaction,
  kind: SessionKind,
  id: number,
): Promise<Reseller | Admin | undefined> {
  return kind === 'reseller' ? Reseller.query(db).findById(id) : Admin.query(db).findById(id);
}

const usable = (kind: SessionKind, s: Reseller | Admin | undefined): boolean =>
  s !== undefined && s.status === 'active' && (kind === 'admin' || (s as Reseller).role === 'reseller');

async function openSession(
  db: Knex | Knex.Transaction,
  kind: SessionKind,
  subjectId: number,
  meta: { ip?: string | undefined; userAgent?: string | undefined },
): Promise<string> {
  const token = newToken();
  await db('sessions').insert({
    idHash: hash(token),
    kind,
    subjectId,
    csrfToken: newToken(),
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
    expiresAt: new Date(Date.now() + ABSOLUTE_MS),
  });
  return token;
}

/**
 * Checks an email and password; answers a new session's token. Every refusal is the same 401
 * (unknown account, wrong password, no password set, suspended), and takes as long.
 */
export async function signIn(
  db: Knex,
  kind: SessionKind,
  email: string,
  password: string,
  meta: { ip?: string | undefined; userAgent?: string | undefined },
): Promise<string> {
  const where = { email: email.trim().toLowerCase() };
  const account: Reseller | Admin | undefined =
    kind === 'reseller' ? await Reseller.query(db).findOne(where) : await Admin.query(db).findOne(where);
  const stored = account?.passwordHash ?? (await decoyHash());
  const ok = await verifyPassword(password, stored);
  if (!ok || !account?.passwordHash || !usable(kind, account))
    throw unauthenticated(
      'The email or password is not right, or the account cannot sign in.',
      'invalid_credentials',
    );
  return openSession(db, kind, account.id, meta);
}

/** The signed-in account behind a session cookie's token, or null (unknown, expired, idle, suspended). */
export async function loadSession(db: Knex, token: string | undefined): Promise<SignedIn | null> {
  if (!token || token.length > 100) return null;
  const row = (await db('sessions')
    .where({ idHash: hash(token) })
    .first()) as SessionRow | undefined;
  const now = Date.now();
  if (!row || row.expiresAt.getTime() <= now || now - row.lastSeenAt.getTime() > IDLE_MS) return null;
  const account = await subject(db, row.kind, row.subjectId);
  if (!usable(row.kind, account)) return null;
  if (now - row.lastSeenAt.getTime() > 60_000 || row.flash !== null)
    await db('sessions').where({ idHash: row.idHash }).update({ lastSeenAt: new Date(), flash: null });
  return { kind: row.kind, subject: account, csrfToken: row.csrfToken, flash: row.flash } as SignedIn;
}

/** A message for the next page the session sees. */
export async function setFlash(db: Knex, token: string, message: string): Promise<void> {
  await db('sessions')
    .where({ idHash: hash(token) })
    .update({ flash: message.slice(0, 500) });
}

export async function endSession(db: Knex, token: string | undefined): Promise<void> {
  if (token)
    await db('sessions')
      .where({ idHash: hash(token) })
      .del();
}

/** Sets an account's password (ending its other sessions) — the CLI's --password. */
export async function setPassword(
  db: Knex,
  actor: Actor,
  kind: SessionKind,
  id: number,
  password: string,
): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw validationFailed({ password: [problem] });
  const passwordHash = await hashPassword(password);
  await db.transaction(async (trx) => {
    const n =
      kind === 'reseller'
        ? await Reseller.query(trx).patch({ passwordHash }).where('id', id)
        : await Admin.query(trx).patch({ passwordHash }).where('id', id);
    if (n === 0) throw notFound('Account not found.', `${kind}_not_found`);
    await trx('sessions').where({ kind, subjectId: id }).del();
    await audit(trx, {
      actor,
      resellerId: kind === 'reseller' ? id : null,
      type: 'password_set',
      subjectType: kind,
      subjectId: String(id),
    });
  });
}

/** A one-time sign-in link's token (valid SIGN_IN_LINK_MS, once): for an account with no password yet. */
export async function createSignInLink(db: Knex, kind: SessionKind, id: number): Promise<string> {
  if (!(await subject(db, kind, id))) throw notFound('Account not found.', `${kind}_not_found`);
  const token = newToken();
  await db('signInLinks').insert({
    tokenHash: hash(token),
    kind,
    subjectId: id,
    expiresAt: new Date(Date.now() + SIGN_IN_LINK_MS),
  });
  return token;
}

/** Uses a sign-in link once: a new session's token, or null when it is unknown, used or expired. */
export async function useSignInLink(
  db: Knex,
  kind: SessionKind,
  token: string,
  meta: { ip?: string | undefined; userAgent?: string | undefined },
): Promise<string | null> {
  return db.transaction(async (trx) => {
    const [link] = (await trx('signInLinks')
      .where({ tokenHash: hash(token), kind })
      .whereNull('usedAt')
      .where('expiresAt', '>', trx.fn.now())
      .update({ usedAt: trx.fn.now() })
      .returning(['subjectId'])) as Array<{ subjectId: number }>;
    if (!link || !usable(kind, await subject(trx, kind, link.subjectId))) return null;
    return openSession(trx, kind, link.subjectId, meta);
  });
}
