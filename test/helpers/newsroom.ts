import { toIsoTimestamp } from '../../src/domain/article.ts';
import type { Role } from '../../src/domain/user.ts';
import type { Staff } from '../../src/services/newsroom/staff.ts';
import type { Wiring } from '../../src/wiring.ts';

/** A staff user of the given role, stored without a password (services do not need one). */
export async function addStaff(wiring: Wiring, role: Role, name = `${role} user`): Promise<Staff> {
  const now = toIsoTimestamp(wiring.now());
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@newsroom.example`;
  const user = { email, name, role, personId: null, isDisabled: false, createdAt: now, updatedAt: now };
  const id = await wiring.store.users.insert({ ...user, passwordHash: null });
  return { id, email, name, role, personId: null };
}
