import { newUserId, type User } from '@floorwalker/store';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticate, authOf, requireRole } from '../auth/authenticate.ts';
import { hashPassword } from '../auth/password.ts';
import { HttpError, parseInput } from '../errors.ts';
import { userCreateInput, userUpdateInput } from './user-input.ts';
import { userView } from './user-view.ts';

const userParams = z.object({ userId: z.string().min(1).max(64) });

/** Users (admins only): list, read, create, update (incl. password reset), soft delete. */
export async function userRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', authenticate);
  app.addHook('onRequest', requireRole('admin'));

  const load = async (userId: string): Promise<User> => {
    const user = await app.users.get(userId);
    if (!user) throw new HttpError('FW_NOT_FOUND', `No user ${userId}.`);
    return user;
  };

  const assertEmailFree = async (email: string, userId?: string) => {
    const holder = await app.users.getByEmail(email);
    if (holder && holder.userId !== userId) throw new HttpError('FW_USER_EMAIL_TAKEN');
  };

  const assertSitesExist = async (siteIds: readonly string[]) => {
    if (siteIds.length === 0) return;
    const known = new Set((await app.sites.list()).map((s) => s.siteId));
    const issues = siteIds.flatMap((id, i) =>
      known.has(id) ? [] : [{ path: ['siteIds', i], message: `unknown site ${id}` }],
    );
    if (issues.length) throw new HttpError('FW_BAD_REQUEST', 'Unknown site.', issues);
  };

  /** Throws when `userId` is the only admin left (so it may not lose the role or be deleted). */
  const assertNotLastAdmin = async (userId: string) => {
    const admins = (await app.users.list()).filter((u) => u.role === 'admin');
    if (admins.length <= 1 && admins.some((u) => u.userId === userId)) throw new HttpError('FW_LAST_ADMIN');
  };

  app.get('/api/users', async () => {
    const users = await app.users.list();
    return { users: users.sort((a, b) => a.name.localeCompare(b.name)).map(userView) };
  });

  app.get('/api/users/:userId', async (request) => {
    const { userId } = parseInput(userParams, request.params);
    return { user: userView(await load(userId)) };
  });

  app.post('/api/users', async (request, reply) => {
    const { user: by } = authOf(request);
    const { password, ...input } = parseInput(userCreateInput, request.body);
    await assertEmailFree(input.email);
    await assertSitesExist(input.siteIds);
    const user = await app.users.save(
      { userId: newUserId(), ...input, passwordHash: await hashPassword(password) },
      by.userId,
    );
    request.log.info({ userId: user.userId, role: user.role, by: by.userId }, 'user created');
    return reply.code(201).send({ user: userView(user) });
  });

  app.patch('/api/users/:userId', async (request) => {
    const { user: by, session } = authOf(request);
    const { userId } = parseInput(userParams, request.params);
    const { password, ...input } = parseInput(userUpdateInput, request.body);
    const current = await load(userId);
    if (input.email !== undefined) await assertEmailFree(input.email, userId);
    if (input.siteIds !== undefined) await assertSitesExist(input.siteIds);
    if (current.role === 'admin' && input.role !== undefined && input.role !== 'admin') {
      await assertNotLastAdmin(userId);
    }
    const next: User = {
      ...current,
      email: input.email ?? current.email,
      name: input.name ?? current.name,
      role: input.role ?? current.role,
      siteIds: input.siteIds ?? current.siteIds,
      teams: input.teams ?? current.teams,
      maxChats: input.maxChats ?? current.maxChats,
      passwordHash: password !== undefined ? await hashPassword(password) : current.passwordHash,
    };
    const saved = await app.users.save(next, by.userId);
    // A reset password ends the user's other sessions (the admin keeps their own).
    if (password !== undefined) await app.sessions.destroyAllOf(userId, session.sessionId);
    request.log.info({ userId, by: by.userId, passwordReset: password !== undefined }, 'user updated');
    return { user: userView(saved) };
  });

  app.delete('/api/users/:userId', async (request, reply) => {
    const { user: by } = authOf(request);
    const { userId } = parseInput(userParams, request.params);
    if (userId === by.userId) throw new HttpError('FW_USER_SELF_DELETE');
    const current = await load(userId);
    if (current.role === 'admin') await assertNotLastAdmin(userId);
    await app.users.save({ ...current, deleted: true }, by.userId);
    await app.sessions.destroyAllOf(userId);
    request.log.info({ userId, by: by.userId }, 'user deleted');
    return reply.code(204).send();
  });
}
