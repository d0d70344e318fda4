import type { FieldError } from '../errors.js';

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

/** Every problem with a new user's fields. */
export function validateNewUser(input: {
  email: string;
  name: string;
  role: string;
  password: string;
}): FieldError[] {
  const errors: FieldError[] = [];
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email) || input.email.length > 320) {
    errors.push({ field: 'email', message: 'must be an email address' });
  }
  if (!input.name.trim()) errors.push({ field: 'name', message: 'must not be empty' });
  if (!ROLES.includes(input.role as Role))
    errors.push({ field: 'role', message: `must be one of ${ROLES.join(', ')}` });
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    errors.push({ field: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` });
  }
  return errors;
}
