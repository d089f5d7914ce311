import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AdminCredentials {
  email: string;
  password: string;
}

/** A random password of 20 URL-safe characters (120 bits). */
export function randomPassword(): string {
  return randomBytes(15).toString('base64url');
}

/** Reads credentials written by {@link writeAdminCredentials}; undefined when absent or unreadable. */
export function readAdminCredentials(file: string): AdminCredentials | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const email = /^email:\s*(\S+)\s*$/m.exec(text)?.[1];
  const password = /^password:\s*(\S+)\s*$/m.exec(text)?.[1];
  return email && password ? { email, password } : undefined;
}

/** Stores the first admin's credentials readable by the owner only (mode 600). */
export function writeAdminCredentials(
  file: string,
  credentials: AdminCredentials,
  dashboardUrl: string,
): void {
  mkdirSync(dirname(file), { recursive: true });
  const text = [
    '# The Floorwalker admin created on first start. Change the password in the dashboard,',
    '# then delete this file: it is not updated when the password changes.',
    `created: ${new Date().toISOString()}`,
    `dashboard: ${dashboardUrl}`,
    `email: ${credentials.email}`,
    `password: ${credentials.password}`,
    '',
  ].join('\n');
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}
