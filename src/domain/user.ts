import type { FieldError } from '../errors.ts';
import { lengthErrors } from './limits.ts';
import { PERSON_LIMITS } from './person.ts';
import { BIDI_MESSAGE, hasBidiControls } from './text.ts';

/** Staff roles, from least to most powerful. */
export const ROLES = ['contributor', 'author', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A staff login. Authors (people) need no login; a user may write as a person. */
export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  personId: number | null;
  isDisabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export const MIN_PASSWORD_LENGTH = 12;

/**
 * The longest email and name of a staff user, in characters: an email as long as the standard
 * allows, a name as long as a person's (a writer's name becomes their byline).
 */
export const USER_LIMITS = { email: 320, name: PERSON_LIMITS.name } as const;

/** Every problem with a new user's fields. */
export function validateNewUser(input: {
  email: string;
  name: string;
  role: string;
  password: string;
}): FieldError[] {
  const errors = lengthErrors([
    ['email', input.email, USER_LIMITS.email],
    ['name', input.name.trim(), USER_LIMITS.name],
  ]);
  if (!errors.some((e) => e.field === 'email') && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email)) {
    errors.push({ field: 'email', message: 'must be an email address' });
  }
  if (!input.name.trim()) errors.push({ field: 'name', message: 'must not be empty' });
  else if (hasBidiControls(input.name)) errors.push({ field: 'name', message: BIDI_MESSAGE });
  if (!ROLES.includes(input.role as Role))
    errors.push({ field: 'role', message: `must be one of ${ROLES.join(', ')}` });
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    errors.push({ field: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` });
  }
  return errors;
}

/** Problems with a new password (the only rule is length: long passphrases beat composition rules). */
export function validatePassword(password: string, field = 'password'): FieldError[] {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return [{ field, message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }];
  }
  if (password.length > 1000) return [{ field, message: 'must be at most 1000 characters' }];
  return [];
}

/** Every problem with an invitation's fields (the invited person chooses the password). */
export function validateInvitation(input: { email: string; name: string; role: string }): FieldError[] {
  return validateNewUser({ ...input, password: 'x'.repeat(MIN_PASSWORD_LENGTH) });
}

/** A role from untrusted input, or undefined. */
export function parseRole(value: string): Role | undefined {
  return ROLES.includes(value as Role) ? (value as Role) : undefined;
}
