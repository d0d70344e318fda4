import argon2 from 'argon2';
import { toIsoTimestamp } from '../domain/article.js';
import { type Role, type User, validateNewUser } from '../domain/user.js';
import { AppError, invalid } from '../errors.js';
import type { ServiceContext } from './context.js';

/** Creates a staff user with an argon2id password hash. Refuses a taken email. */
export async function createUser(
  ctx: ServiceContext,
  input: { email: string; name: string; role: string; password: string },
): Promise<User> {
  const errors = validateNewUser(input);
  if (errors.length > 0) throw invalid(errors);
  const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
  return ctx.store.transaction(async (repos) => {
    if (await repos.users.findByEmail(input.email)) {
      throw new AppError({
        code: 'VALIDATION_FAILED',
        kind: 'conflict',
        message: `A user with the email ${input.email} already exists`,
        details: [{ field: 'email', message: 'is already used by another user' }],
      });
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
