import { type FormEvent, useState } from 'react';
import type { SiteView, UserRole, UserView } from '../api/api-types.ts';
import { FormError } from '../components/form-error.tsx';

export const roleLabels: Record<UserRole, string> = {
  admin: 'Admin',
  manager: 'Manager',
  marketer: 'Marketer',
  agent: 'Agent',
};

const roleHelp: Record<UserRole, string> = {
  admin: 'Everything, on every site: sites, users, triggers, chats, analytics.',
  manager: 'Live visitors, chats and analytics of their sites.',
  marketer: 'Triggers of their sites.',
  agent: 'Live visitors and chats of their sites.',
};

export interface UserFormValues {
  email: string;
  name: string;
  role: UserRole;
  /** New password; empty keeps the current one when editing. */
  password?: string;
  siteIds: string[];
  teams: string[];
  maxChats: number;
}

/** Create or edit a user; when editing, a filled password field resets the password. */
export function UserForm(props: {
  initial?: UserView;
  sites: readonly SiteView[];
  submitLabel: string;
  onSubmit: (values: UserFormValues) => Promise<void>;
  onCancel?: () => void;
}) {
  const editing = props.initial !== undefined;
  const [email, setEmail] = useState(props.initial?.email ?? '');
  const [name, setName] = useState(props.initial?.name ?? '');
  const [role, setRole] = useState<UserRole>(props.initial?.role ?? 'agent');
  const [password, setPassword] = useState('');
  const [siteIds, setSiteIds] = useState<string[]>(props.initial?.siteIds ?? []);
  const [teams, setTeams] = useState(props.initial?.teams.join(', ') ?? '');
  const [maxChats, setMaxChats] = useState(props.initial?.maxChats ?? 3);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      await props.onSubmit({
        email,
        name,
        role,
        ...(password ? { password } : {}),
        siteIds,
        teams: teams
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        maxChats,
      });
      setPassword('');
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const toggleSite = (id: string, on: boolean) =>
    setSiteIds((ids) => (on ? [...new Set([...ids, id])] : ids.filter((x) => x !== id)));

  return (
    <form className="form" onSubmit={submit}>
      <div className="form-row">
        <label className="field">
          <span>Name</span>
          <input
            name="name"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="field">
          <span>E-mail address</span>
          <input
            name="email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
      </div>
      <label className="field">
        <span>Role</span>
        <select name="role" value={role} onChange={(e) => setRole(e.target.value as UserRole)}>
          {(Object.keys(roleLabels) as UserRole[]).map((r) => (
            <option key={r} value={r}>
              {roleLabels[r]}
            </option>
          ))}
        </select>
        <small className="muted">{roleHelp[role]}</small>
      </label>
      <fieldset className="field" disabled={role === 'admin'}>
        <legend>Sites</legend>
        {role === 'admin' ? (
          <small className="muted">Admins see every site.</small>
        ) : props.sites.length === 0 ? (
          <small className="muted">No sites yet.</small>
        ) : (
          props.sites.map((s) => (
            <label key={s.siteId} className="checkbox">
              <input
                type="checkbox"
                checked={siteIds.includes(s.siteId)}
                onChange={(e) => toggleSite(s.siteId, e.target.checked)}
              />
              <span>{s.name}</span>
            </label>
          ))
        )}
      </fieldset>
      <div className="form-row">
        <label className="field">
          <span>Teams</span>
          <input
            name="teams"
            placeholder="billing, de"
            value={teams}
            onChange={(e) => setTeams(e.target.value)}
          />
          <small className="muted">Comma-separated; chat routing can target a team.</small>
        </label>
        <label className="field">
          <span>Max concurrent chats</span>
          <input
            name="maxChats"
            type="number"
            min={0}
            max={50}
            value={maxChats}
            onChange={(e) => setMaxChats(Number(e.target.value))}
          />
        </label>
      </div>
      <label className="field">
        <span>{editing ? 'Reset password' : 'Password'}</span>
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={10}
          required={!editing}
          placeholder={editing ? 'Leave empty to keep the current password' : 'At least 10 characters'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {editing && <small className="muted">A new password signs the user out everywhere.</small>}
      </label>
      <FormError error={error} />
      {saved && !error && (
        <p className="alert alert-ok" role="status">
          Saved.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" className="button button-quiet" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
