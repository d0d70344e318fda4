import argon2 from 'argon2';
import { toIsoTimestamp } from '../domain/article.ts';
import type { Repositories } from '../domain/ports/store.ts';
import { cleanLine } from '../domain/text.ts';
import {
  parseRole,
  ROLES,
  type Role,
  USER_LIMITS,
  type User,
  validateInvitation,
  validateNewUser,
  validatePassword,
} from '../domain/user.ts';
import { type AppError, Errors } from '../errors.ts';
import { type Actor, actorOf, recordAudit } from './audit.ts';
import {
  type AuthContext,
  checkToken,
  hashPassword,
  hashToken,
  INVITE_TOKEN_HOURS,
  newToken,
  tokenLink,
} from './auth.ts';
import type { ServiceContext } from './context.ts';

/** Creates a staff user with an argon2id password hash. Refuses a taken email. */
export async function createUser(
  ctx: ServiceContext,
  input: { email: string; name: string; role: string; password: string },
  options: { actor?: Actor } = {},
): Promise<User> {
  // Direction controls in a name would reorder the text around it wherever it is shown.
  input = { ...input, name: cleanLine(input.name) };
  const errors = validateNewUser(input);
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
  return ctx.store.transaction(async (repos) => {
    if (await repos.users.findByEmail(input.email)) {
      throw Errors.EMAIL_TAKEN({ email: input.email });
    }
    const now = toIsoTimestamp(ctx.now());
    const user = {
      email: input.email.trim().toLowerCase(),
      name: input.name.trim(),
      role: input.role as Role,
      personId: null,
      isDisabled: false,
      createdAt: now,
      updatedAt: now,
    };
    const id = await repos.users.insert({ ...user, passwordHash });
    await recordAudit(repos, {
      actor: options.actor ?? { userId: null, label: 'cli' },
      action: 'user.create',
      entity: ['user', id],
      summary: `Created ${user.role} ${user.email}`,
      at: ctx.now(),
    });
    return { id, ...user };
  });
}

/** Checks an email and password; returns the user, or undefined when either is wrong. */
export async function verifyPassword(
  ctx: ServiceContext,
  email: string,
  password: string,
): Promise<User | undefined> {
  const found = await ctx.store.users.findCredentials(email);
  if (!found?.passwordHash || found.user.isDisabled) return undefined;
  return (await argon2.verify(found.passwordHash, password)) ? found.user : undefined;
}

/** A staff user as the admin lists them. */
export interface StaffMember extends User {
  /** Invited and not yet accepted: no password set. */
  isPending: boolean;
}

export async function listStaff(ctx: ServiceContext): Promise<StaffMember[]> {
  const [users, pending] = await Promise.all([ctx.store.users.list(), ctx.store.users.pendingIds()]);
  return users.map((user) => ({ ...user, isPending: pending.has(user.id) }));
}

function emailTaken(email: string): AppError {
  return Errors.EMAIL_TAKEN({ email });
}

/**
 * Invites someone by email: they get a link, valid a week, to choose their password. The mail
 * goes out before anything is stored, so a refused mail leaves no half-made account. Without
 * SMTP configured, the link is returned for the admin to pass on (isMailSent false).
 */
export async function inviteUser(
  ctx: AuthContext,
  actor: User,
  input: { email: string; name: string; role: string },
): Promise<{ user: User; link: string; isMailSent: boolean }> {
  const email = input.email.trim().toLowerCase();
  const name = cleanLine(input.name).trim();
  const errors = validateInvitation({ email, name, role: input.role });
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  if (await ctx.store.users.findByEmail(email)) throw emailTaken(email);
  const role = input.role as Role;
  const token = newToken();
  const link = tokenLink(ctx, 'invite', token);
  if (ctx.mailer.isConfigured) {
    await ctx.mailer.send({
      to: email,
      subject: `You are invited to join ${await siteName(ctx)}`,
      text: [
        `Hello ${name},`,
        '',
        `${actor.name} invited you to join ${await siteName(ctx)} as ${role}. To accept and choose your password, open:`,
        '',
        link,
        '',
        `The link works once, within ${INVITE_TOKEN_HOURS / 24} days.`,
      ].join('\n'),
    });
  }
  const now = ctx.now();
  const user = await ctx.store.transaction(async (repos) => {
    if (await repos.users.findByEmail(email)) throw emailTaken(email);
    const record = {
      email,
      name,
      role,
      personId: null,
      isDisabled: false,
      createdAt: toIsoTimestamp(now),
      updatedAt: toIsoTimestamp(now),
    };
    const id = await repos.users.insert({ ...record, passwordHash: null });
    await repos.authTokens.insert({
      tokenHash: hashToken(token),
      kind: 'invite',
      userId: id,
      createdBy: actor.id,
      createdAt: toIsoTimestamp(now),
      expiresAt: toIsoTimestamp(new Date(now.getTime() + INVITE_TOKEN_HOURS * 3_600_000)),
    });
    await recordAudit(repos, {
      actor: actorOf(actor),
      action: 'user.invite',
      entity: ['user', id],
      summary: `Invited ${email} as ${role}`,
      at: now,
    });
    return { id, ...record };
  });
  return { user, link, isMailSent: ctx.mailer.isConfigured };
}

async function siteName(ctx: ServiceContext): Promise<string> {
  return (await ctx.store.settings.getAll()).get('site_name') ?? 'Pressroom';
}

/** Accepts an invitation: sets the name and password, and uses the link up. Sign-in follows. */
export async function acceptInvitation(
  ctx: AuthContext,
  input: { token: string; name: string; password: string },
): Promise<User> {
  const { record, user } = await checkToken(ctx, input.token, 'invite');
  const name = cleanLine(input.name).trim();
  const errors = [
    ...(name ? [] : [{ field: 'name', message: 'must not be empty' }]),
    ...(name.length > USER_LIMITS.name
      ? [{ field: 'name', message: `must be at most ${USER_LIMITS.name} characters` }]
      : []),
    ...validatePassword(input.password),
  ];
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  const passwordHash = await hashPassword(input.password);
  const now = ctx.now();
  await ctx.store.transaction(async (repos) => {
    if (!(await repos.authTokens.markUsed(record.id, toIsoTimestamp(now)))) {
      throw Errors.AUTH_TOKEN_INVALID();
    }
    await repos.users.update(user.id, { name, passwordHash }, toIsoTimestamp(now));
    await recordAudit(repos, {
      actor: actorOf(user),
      action: 'user.accept_invitation',
      entity: ['user', user.id],
      summary: `Accepted the invitation as ${user.role}`,
      at: now,
    });
  });
  return { ...user, name };
}

/**
 * Links a staff account to the person it writes as (or unlinks it, with null): the only way an
 * account comes to own an existing byline, so it is an admin's explicit, audited act.
 */
export async function linkPerson(
  ctx: ServiceContext,
  actor: User,
  input: { userId: number; personId: number | null },
): Promise<User> {
  const now = ctx.now();
  return ctx.store.transaction(async (repos) => {
    const user = await targetUser(repos, input.userId);
    const person = input.personId === null ? null : await repos.people.findById(input.personId);
    if (input.personId !== null && !person) {
      throw Errors.VALIDATION_FAILED({ details: [{ field: 'person_id', message: 'is not a known person' }] });
    }
    if (person) {
      const other = (await repos.users.list()).find((u) => u.personId === person.id && u.id !== user.id);
      if (other) {
        throw Errors.VALIDATION_FAILED({
          details: [{ field: 'person_id', message: `is already linked to ${other.email}` }],
        });
      }
    }
    if (user.personId === (person?.id ?? null)) return user;
    await repos.users.update(user.id, { personId: person?.id ?? null }, toIsoTimestamp(now));
    await recordAudit(repos, {
      actor: actorOf(actor),
      action: 'user.link_person',
      entity: ['user', user.id],
      summary: person
        ? `Linked ${user.email} to the author ${person.name}`
        : `Unlinked ${user.email} from its author`,
      at: now,
    });
    return { ...user, personId: person?.id ?? null };
  });
}

async function targetUser(repos: Repositories, userId: number): Promise<User> {
  const user = await repos.users.findById(userId);
  if (!user) throw Errors.USER_NOT_FOUND({});
  return user;
}

function lastAdmin(): AppError {
  return Errors.LAST_ADMIN();
}

/** Changes a user's role; refuses to demote the last active admin. */
export async function changeRole(
  ctx: ServiceContext,
  actor: User,
  input: { userId: number; role: string },
): Promise<User> {
  const role = parseRole(input.role);
  if (!role)
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'role', message: `must be one of ${ROLES.join(', ')}` }],
    });
  const now = ctx.now();
  return ctx.store.transaction(async (repos) => {
    const user = await targetUser(repos, input.userId);
    if (user.role === role) return user;
    if (user.role === 'admin' && !user.isDisabled && (await repos.users.countActiveAdmins()) <= 1)
      throw lastAdmin();
    await repos.users.update(user.id, { role }, toIsoTimestamp(now));
    await recordAudit(repos, {
      actor: actorOf(actor),
      action: 'user.change_role',
      entity: ['user', user.id],
      summary: `Changed ${user.email} from ${user.role} to ${role}`,
      at: now,
    });
    return { ...user, role };
  });
}

/** Disables (or enables again) an account. Disabling ends its sessions and voids its links. */
export async function setUserDisabled(
  ctx: ServiceContext,
  actor: User,
  input: { userId: number; isDisabled: boolean },
): Promise<User> {
  const now = ctx.now();
  return ctx.store.transaction(async (repos) => {
    const user = await targetUser(repos, input.userId);
    if (user.isDisabled === input.isDisabled) return user;
    if (input.isDisabled) {
      if (user.id === actor.id) {
        throw Errors.PERMISSION_DENIED({ reason: 'You cannot disable your own account.' });
      }
      if (user.role === 'admin' && (await repos.users.countActiveAdmins()) <= 1) throw lastAdmin();
      await repos.sessions.deleteForUser(user.id);
      await repos.authTokens.voidForUser(user.id, 'reset', toIsoTimestamp(now));
      await repos.authTokens.voidForUser(user.id, 'invite', toIsoTimestamp(now));
    }
    await repos.users.update(user.id, { isDisabled: input.isDisabled }, toIsoTimestamp(now));
    await recordAudit(repos, {
      actor: actorOf(actor),
      action: input.isDisabled ? 'user.disable' : 'user.enable',
      entity: ['user', user.id],
      summary: `${input.isDisabled ? 'Disabled' : 'Enabled'} ${user.email}`,
      at: now,
    });
    return { ...user, isDisabled: input.isDisabled };
  });
}
