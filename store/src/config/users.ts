import { randomBytes } from 'node:crypto';
import { sql } from '../clickhouse/sql.ts';
import type { ClickHouse } from '../clickhouse/types.ts';

/** Staff roles, from most to least privileged in configuration matters. */
export const userRoles = ['admin', 'manager', 'marketer', 'agent'] as const;
export type UserRole = (typeof userRoles)[number];

/** A staff member who logs in to the dashboard. */
export interface User {
  userId: string;
  /** Lower-cased, trimmed; unique among users that are not deleted. */
  email: string;
  name: string;
  role: UserRole;
  /** `scrypt$…` string (see the dashboard's password hashing); never sent to a browser. */
  passwordHash: string;
  /** Sites this user sees. Ignored for admins, who see every site. */
  siteIds: string[];
  /** Teams used by chat routing (e.g. `billing`, `de`). */
  teams: string[];
  /** Chats an agent takes at once before routing skips them. */
  maxChats: number;
  version: number;
  deleted: boolean;
  updatedBy: string;
  updatedAt: number;
}

/** What a caller writes; the repository fills in the version and audit fields. */
export type UserInput = Omit<User, 'version' | 'deleted' | 'updatedBy' | 'updatedAt'> & { deleted?: boolean };

export function newUserId(): string {
  return `user_${randomBytes(9).toString('base64url')}`;
}

/** The one normal form of an e-mail address, used for storage and look-ups. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isUserRole(value: string): value is UserRole {
  return (userRoles as readonly string[]).includes(value);
}

/** True when the user may see the site: admins see all sites, everyone else only their own. */
export function canSeeSite(user: Pick<User, 'role' | 'siteIds'>, siteId: string): boolean {
  return user.role === 'admin' || user.siteIds.includes(siteId);
}

interface UserRow {
  user_id: string;
  current_version: number;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  site_ids: string[];
  teams: string[];
  max_chats: number;
  deleted: number;
  updated_by: string;
  updated_at: number;
}

function fromRow(r: UserRow): User {
  return {
    userId: r.user_id,
    email: r.email,
    name: r.name,
    // An unknown role in storage (a newer version wrote it) gets the least privilege.
    role: isUserRole(r.role) ? r.role : 'agent',
    passwordHash: r.password_hash,
    siteIds: r.site_ids,
    teams: r.teams,
    maxChats: Number(r.max_chats),
    version: Number(r.current_version),
    deleted: Number(r.deleted) === 1,
    updatedBy: r.updated_by,
    updatedAt: Number(r.updated_at),
  };
}

/** Users in ClickHouse: append-only versioned rows, read at their latest version. */
export function usersRepository(ch: ClickHouse) {
  const latest = (where = sql`1`) => sql`
    SELECT user_id, max(version) AS current_version,
      argMax(email, version) AS email, argMax(name, version) AS name,
      argMax(role, version) AS role, argMax(password_hash, version) AS password_hash,
      argMax(site_ids, version) AS site_ids, argMax(teams, version) AS teams,
      argMax(max_chats, version) AS max_chats, argMax(deleted, version) AS deleted,
      argMax(updated_by, version) AS updated_by,
      toUnixTimestamp(argMax(updated_at, version)) AS updated_at
    FROM ${ch.table('users')} WHERE ${where} GROUP BY user_id ORDER BY user_id`;
  const read = async (where?: ReturnType<typeof sql>) =>
    (await ch.query<UserRow>(latest(where))).map(fromRow);

  return {
    /** Every user that is not deleted, ordered by id. */
    async list(): Promise<User[]> {
      return (await read()).filter((u) => !u.deleted);
    },
    async get(userId: string): Promise<User | undefined> {
      const user = (await read(sql`user_id = ${userId}`))[0];
      return user && !user.deleted ? user : undefined;
    },
    /** The user that currently has this e-mail address (case-insensitive), if any. */
    async getByEmail(email: string): Promise<User | undefined> {
      const wanted = normalizeEmail(email);
      // Narrow to users that ever had the address, then check their latest version still has it.
      const candidates = await read(
        sql`user_id IN (SELECT user_id FROM ${ch.table('users')} WHERE email = ${wanted})`,
      );
      return candidates.find((u) => !u.deleted && u.email === wanted);
    },
    /** Writes a new version of a user (create, update or soft delete). Returns the stored user. */
    async save(input: UserInput, by: string): Promise<User> {
      const previous = (await ch.query<UserRow>(latest(sql`user_id = ${input.userId}`)))[0];
      // Wall-clock microseconds bumped past the previous version: monotonic per user across
      // processes without a shared counter (the same scheme as sites).
      const version = Math.max(Date.now() * 1000, Number(previous?.current_version ?? 0) + 1);
      const user: User = {
        ...input,
        email: normalizeEmail(input.email),
        siteIds: [...new Set(input.siteIds)],
        teams: [...new Set(input.teams)],
        deleted: input.deleted ?? false,
        version,
        updatedBy: by,
        updatedAt: Math.floor(Date.now() / 1000),
      };
      await ch.insert('users', [
        {
          user_id: user.userId,
          version,
          email: user.email,
          name: user.name,
          role: user.role,
          password_hash: user.passwordHash,
          site_ids: user.siteIds,
          teams: user.teams,
          max_chats: user.maxChats,
          deleted: user.deleted ? 1 : 0,
          updated_by: by,
          updated_at: user.updatedAt,
        },
      ]);
      return user;
    },
  };
}
export type UsersRepository = ReturnType<typeof usersRepository>;
