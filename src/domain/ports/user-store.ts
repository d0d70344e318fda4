import type { Role, User } from '../user.ts';

/** Staff logins. Password hashes never leave this repository except through findCredentials. */
export interface UserStore {
  findByEmail(email: string): Promise<User | undefined>;
  findCredentials(email: string): Promise<
    | {
        user: User;
        passwordHash: string | null;
      }
    | undefined
  >;
  findById(id: number): Promise<User | undefined>;
  /** Whether the user has set a password (an invited user has not, until they accept). */
  hasPassword(id: number): Promise<boolean>;
  update(
    id: number,
    changes: {
      name?: string;
      role?: Role;
      isDisabled?: boolean;
      passwordHash?: string;
      personId?: number | null;
    },
    now: string,
  ): Promise<void>;
  /** Admins who can sign in (not disabled, with a password). */
  countActiveAdmins(): Promise<number>;
  /** Ids of users who have not set a password yet (invited). */
  pendingIds(): Promise<Set<number>>;
  list(): Promise<User[]>;
  insert(
    user: Omit<User, 'id'> & {
      passwordHash: string | null;
    },
  ): Promise<number>;
}
