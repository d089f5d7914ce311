import type { User, UserRole } from '@floorwalker/store';

/** A user as the API shows it: never the password hash. */
export interface UserView {
  userId: string;
  email: string;
  name: string;
  role: UserRole;
  siteIds: string[];
  teams: string[];
  maxChats: number;
  updatedAt: number;
  updatedBy: string;
}

export function userView(user: User): UserView {
  return {
    userId: user.userId,
    email: user.email,
    name: user.name,
    role: user.role,
    siteIds: user.siteIds,
    teams: user.teams,
    maxChats: user.maxChats,
    updatedAt: user.updatedAt,
    updatedBy: user.updatedBy,
  };
}
