import { newUserId, type User, type UsersRepository } from '@floorwalker/store';
import { hashPassword } from '../auth/password.ts';

/**
 * Creates the first admin when no user exists yet (INITIAL_ADMIN_EMAIL / INITIAL_ADMIN_PASSWORD),
 * so a fresh install can be logged into. Does nothing once any user exists.
 */
export async function ensureInitialAdmin(
  users: UsersRepository,
  credentials: { email: string; password: string; name?: string },
): Promise<User | undefined> {
  if ((await users.list()).length > 0) return undefined;
  return users.save(
    {
      userId: newUserId(),
      email: credentials.email,
      name: credentials.name ?? 'Administrator',
      role: 'admin',
      passwordHash: await hashPassword(credentials.password),
      siteIds: [],
      teams: [],
      maxChats: 3,
    },
    'bootstrap',
  );
}
