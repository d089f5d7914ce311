import { describe, expect, it } from 'vitest';
import { navFor, sectionOf } from '../src/app/layout/navigation.ts';

describe('role-based navigation', () => {
  it('shows each role exactly its sections', () => {
    const labels = (role: Parameters<typeof navFor>[0]) => navFor(role).map((i) => i.label);
    expect(labels('admin')).toEqual(['Live visitors', 'Triggers', 'Chats', 'Analytics', 'Settings']);
    expect(labels('manager')).toEqual(['Live visitors', 'Chats', 'Analytics']);
    expect(labels('marketer')).toEqual(['Triggers']);
    expect(labels('agent')).toEqual(['Live visitors', 'Chats']);
  });

  it('finds the section of nested paths only for roles that may see it', () => {
    expect(sectionOf('/settings/users', 'admin')?.path).toBe('/settings');
    expect(sectionOf('/settings/users', 'manager')).toBeUndefined();
    expect(sectionOf('/settingsx', 'admin')).toBeUndefined();
    expect(sectionOf('/', 'agent')).toBeUndefined();
  });
});
