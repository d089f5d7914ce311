import type { UserRole } from '../api/api-types.ts';

/** A section of the app and the roles that see it. */
export interface NavItem {
  path: string;
  label: string;
  roles: readonly UserRole[];
}

export const navItems: readonly NavItem[] = [
  { path: '/live', label: 'Live visitors', roles: ['agent', 'manager', 'admin'] },
  { path: '/triggers', label: 'Triggers', roles: ['marketer', 'admin'] },
  { path: '/chats', label: 'Chats', roles: ['agent', 'manager', 'admin'] },
  { path: '/analytics', label: 'Analytics', roles: ['manager', 'admin'] },
  { path: '/settings', label: 'Settings', roles: ['admin'] },
];

/** The sections a role sees, in menu order. */
export function navFor(role: UserRole): NavItem[] {
  return navItems.filter((item) => item.roles.includes(role));
}

/** The section a path belongs to, if the role may see it. */
export function sectionOf(path: string, role: UserRole): NavItem | undefined {
  return navFor(role).find((item) => path === item.path || path.startsWith(`${item.path}/`));
}
