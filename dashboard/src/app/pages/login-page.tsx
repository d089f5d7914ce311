import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/api-client.ts';
import type { MeResponse } from '../api/api-types.ts';

export function LoginPage(props: { onLogin: (me: MeResponse) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      props.onLogin(await api.post<MeResponse>('/api/auth/login', { email, password }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The server cannot be reached. Try again.');
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            F
          </span>
          Floorwalker
        </div>
        <h1 id="login-title">Sign in</h1>
        <label className="field">
          <span>E-mail address</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="alert alert-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
