import type { Knex } from 'knex';
import type { AdminAbility } from '../auth/credentials';
import { Admin, ApiCredential } from '../db/models';
import { type Actor, audit } from './audit';
import { issueCredential } from './credentials';
import { conflict, notFound, validationFailed } from './errors';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function findAdmin(
  db: Knex | Knex.Transaction,
  where: { id: number } | { email: string },
): Promise<Admin> {
  const admin = await Admin.query(db).findOne(
    'id' in where ? { id: where.id } : { email: where.email.toLowerCase() },
  );
  if (!admin) throw notFound('Admin not found.', 'admin_not_found');
  return admin;
}

/** A new admin (an operator of the business), with one admin token when `tokenAbilities` is given. */
export async function createAdmin(
  db: Knex,
  actor: Actor,
  input: { email: string; name: string },
): Promise<Admin> {
  if (!EMAIL.test(input.email)) throw validationFailed({ email: ['Not an email address.'] });
  if (input.name.trim() === '') throw validationFailed({ name: ['A name is required.'] });
  return db.transaction(async (trx) => {
    if (await Admin.query(trx).findOne({ email: input.email.toLowerCase() }))
      throw conflict('email_taken', 'An admin with this email exists already.');
    const admin = await Admin.query(trx).insertAndFetch({
      email: input.email.toLowerCase(),
      name: input.name.trim(),
      status: 'active',
    });
    await audit(trx, {
      actor,
      resellerId: null,
      type: 'admin_created',
      subjectType: 'admin',
      subjectId: String(admin.id),
      after: { email: admin.email, name: admin.name },
    });
    return admin;
  });
}

/** An admin token (`dat_…`) with chosen admin abilities and an optional expiry; the secret is shown once. */
export async function issueAdminToken(
  db: Knex,
  actor: Actor,
  adminId: number,
  opts: {
    name: string;
    abilities?: readonly AdminAbility[] | undefined;
    expiresAt?: Date | null | undefined;
  },
): Promise<{ credential: ApiCredential; secret: string }> {
  return db.transaction(async (trx) => {
    await findAdmin(trx, { id: adminId });
    const issued = await issueCredential(trx, { adminId }, 'admin_token', opts);
    await audit(trx, {
      actor,
      resellerId: null,
      type: 'admin_token_issued',
      subjectType: 'credential',
      subjectId: issued.credential.prefix,
      after: {
        admin_id: adminId,
        abilities: issued.credential.abilities,
        expires_at: issued.credential.expiresAt,
      },
    });
    return issued;
  });
}

/**
 * The demo admin `npm run dev` prints: created on first run, and on every run given a fresh admin
 * token (the earlier demo tokens are revoked: only hashes are stored, so they cannot be shown again).
 */
export async function seedDemoAdmin(db: Knex): Promise<{ admin: Admin; token: string }> {
  const email = 'admin@reseller.test';
  const admin =
    (await Admin.query(db).findOne({ email })) ??
    (await createAdmin(db, 'system', { email, name: 'Demo Admin' }));
  await ApiCredential.query(db)
    .patch({ revokedAt: new Date() })
    .where({ adminId: admin.id })
    .whereNull('revokedAt');
  const { secret } = await issueAdminToken(db, 'system', admin.id, { name: 'demo admin token' });
  return { admin, token: secret };
}
