import { type FormEvent, useMemo, useState } from 'react';
import type { SiteView } from '../api/api-types.ts';
import { FormError } from '../components/form-error.tsx';

export interface SiteFormValues {
  name: string;
  allowedOrigins: string[];
  timezone: string;
  respectPrivacySignals: boolean;
}

function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Name, allowed origins (one per line), time zone and privacy signals of a site. */
export function SiteForm(props: {
  initial?: SiteView;
  submitLabel: string;
  onSubmit: (values: SiteFormValues) => Promise<void>;
  onCancel?: () => void;
}) {
  const [name, setName] = useState(props.initial?.name ?? '');
  const [origins, setOrigins] = useState(props.initial?.allowedOrigins.join('\n') ?? '');
  const [timezone, setTimezone] = useState(props.initial?.timezone ?? browserTimeZone());
  const [privacy, setPrivacy] = useState(props.initial?.respectPrivacySignals ?? true);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const zones = useMemo(() => {
    const all = Intl.supportedValuesOf('timeZone');
    return all.includes('UTC') ? all : ['UTC', ...all];
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      await props.onSubmit({
        name,
        allowedOrigins: origins
          .split(/[\s,]+/)
          .map((o) => o.trim())
          .filter(Boolean),
        timezone,
        respectPrivacySignals: privacy,
      });
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit}>
      <label className="field">
        <span>Name</span>
        <input name="name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        <span>Allowed origins</span>
        <textarea
          name="allowedOrigins"
          rows={3}
          placeholder={'https://shop.example\nhttps://www.shop.example'}
          value={origins}
          onChange={(e) => setOrigins(e.target.value)}
        />
        <small className="muted">
          One per line. Only pages on these origins may send data. Empty: any origin.
        </small>
      </label>
      <label className="field">
        <span>Time zone</span>
        <select name="timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)}>
          {!zones.includes(timezone) && <option value={timezone}>{timezone}</option>}
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={privacy} onChange={(e) => setPrivacy(e.target.checked)} />
        <span>
          Respect privacy signals (Do Not Track, Global Privacy Control): such visitors are not tracked
        </span>
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
