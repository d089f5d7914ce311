import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/api-client.ts';
import type { SiteView, UserView } from '../api/api-types.ts';
import { FormError } from '../components/form-error.tsx';
import { useSession } from '../session/session-context.tsx';
import { roleLabels, UserForm, type UserFormValues } from './user-form.tsx';

type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; userId: string };

export function UsersPanel() {
  const session = useSession();
  const [users, setUsers] = useState<UserView[] | undefined>();
  const [sites, setSites] = useState<SiteView[]>([]);
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const [error, setError] = useState<unknown>();

  const load = useCallback(async () => {
    try {
      const [u, s] = await Promise.all([
        api.get<{ users: UserView[] }>('/api/users'),
        api.get<{ sites: SiteView[] }>('/api/sites'),
      ]);
      setUsers(u.users);
      setSites(s.sites);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const siteName = (id: string) => sites.find((s) => s.siteId === id)?.name ?? id;

  async function create(values: UserFormValues) {
    const { user } = await api.post<{ user: UserView }>('/api/users', values);
    setEditing({ kind: 'edit', userId: user.userId });
    await load();
  }

  async function update(user: UserView, values: UserFormValues) {
    const { password, ...rest } = values;
    await api.patch(`/api/users/${encodeURIComponent(user.userId)}`, password ? values : rest);
    await load();
    if (user.userId === session.me.user.userId) await session.refresh();
  }

  async function remove(user: UserView) {
    if (!window.confirm(`Delete ${user.name} (${user.email})? They are signed out at once.`)) return;
    try {
      await api.delete(`/api/users/${encodeURIComponent(user.userId)}`);
      setEditing({ kind: 'none' });
      await load();
    } catch (e) {
      setError(e);
    }
  }

  const selected = editing.kind === 'edit' ? users?.find((u) => u.userId === editing.userId) : undefined;
  const isSelf = selected?.userId === session.me.user.userId;

  return (
    <div className="split">
      <div className="card list-card">
        <div className="card-header">
          <h2>Users</h2>
          <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'new' })}>
            Add user
          </button>
        </div>
        <FormError error={error} />
        {users === undefined ? (
          <p className="muted">Loading…</p>
        ) : (
          <ul className="item-list">
            {users.map((u) => (
              <li key={u.userId}>
                <button
                  type="button"
                  className={selected?.userId === u.userId ? 'item active' : 'item'}
                  onClick={() => setEditing({ kind: 'edit', userId: u.userId })}
                >
                  <span className="item-title">
                    {u.name} <span className="badge">{roleLabels[u.role]}</span>
                  </span>
                  <span className="item-sub">
                    {u.email} ·{' '}
                    {u.role === 'admin'
                      ? 'All sites'
                      : u.siteIds.length
                        ? u.siteIds.map(siteName).join(', ')
                        : 'No sites'}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="detail">
        {editing.kind === 'new' && (
          <div className="card">
            <h2>New user</h2>
            <UserForm
              sites={sites}
              submitLabel="Create user"
              onSubmit={create}
              onCancel={() => setEditing({ kind: 'none' })}
            />
          </div>
        )}
        {selected && (
          <div className="card">
            <h2>
              {selected.name} {isSelf && <span className="muted small">(you)</span>}
            </h2>
            <UserForm
              key={selected.userId}
              initial={selected}
              sites={sites}
              submitLabel="Save changes"
              onSubmit={(values) => update(selected, values)}
            />
            <div className="danger-zone">
              <button
                type="button"
                className="button button-danger"
                disabled={isSelf}
                title={isSelf ? 'You cannot delete your own account' : undefined}
                onClick={() => void remove(selected)}
              >
                Delete user
              </button>
            </div>
          </div>
        )}
        {editing.kind === 'none' && (
          <div className="card empty-state">
            <p>Select a user to change their role, sites or password.</p>
          </div>
        )}
      </div>
    </div>
  );
}
