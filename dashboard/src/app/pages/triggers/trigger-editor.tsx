import { type FormEvent, useMemo, useState } from 'react';
import { FormError } from '../../components/form-error.tsx';
import { BacktestPanel } from './backtest-panel.tsx';
import { ConditionNode, FieldIssues } from './condition-builder.tsx';
import { NumberField } from './number-field.tsx';
import { type Draft, issuesUnder, validateDraft } from './trigger-draft.ts';

/** `datetime-local` value (browser time) of epoch ms, or '' when unset. */
function toLocalInput(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

function Variants(props: {
  value: Record<string, string> | undefined;
  issues: ReturnType<typeof validateDraft>;
  onChange: (value: Record<string, string> | undefined) => void;
}) {
  const rows = Object.entries(props.value ?? {});
  const write = (next: [string, string][]) =>
    props.onChange(next.length ? Object.fromEntries(next) : undefined);
  return (
    <div className="variants">
      {rows.map(([lang, text], i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: variant rows are positional while the language is typed
        <div key={i} className="variant-row">
          <input
            aria-label="Language"
            className="narrow"
            defaultValue={lang}
            onBlur={(e) => write(rows.map((r, j) => (j === i ? [e.target.value.trim(), r[1]] : r)))}
          />
          <span className="cond-input">
            <input
              aria-label={`Message (${lang})`}
              value={text}
              onChange={(e) => write(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))}
            />
            {issuesUnder(props.issues, ['action', 'message', 'byLanguage']).map((issue) => (
              <span key={`${issue.path.join('.')}:${issue.message}`} className="field-issue" role="alert">
                {issue.path.slice(3).join('.')} {issue.message}
              </span>
            ))}
          </span>
          <button
            type="button"
            className="button button-quiet icon"
            aria-label={`Remove ${lang} variant`}
            onClick={() => write(rows.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button button-quiet small"
        onClick={() => {
          const taken = new Set(rows.map((r) => r[0]));
          const lang = ['de', 'fr', 'es', 'it', 'nl', 'pl'].find((l) => !taken.has(l)) ?? '';
          write([...rows, [lang, '']]);
        }}
      >
        + Language variant
      </button>
    </div>
  );
}

/**
 * The trigger editor: every field of the rule with inline validation by the protocol's schema
 * (the one the API validates with), save as a new version, and a backtest of the draft.
 */
export function TriggerEditor(props: {
  siteId: string;
  initial: Draft;
  triggerId?: string;
  version?: number;
  submitLabel: string;
  onSave: (draft: Draft) => Promise<void>;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(props.initial);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const issues = useMemo(() => validateDraft(draft), [draft]);
  const show = touched ? issues : issues.filter((i) => i.path[0] !== 'name');

  const update = (patch: Partial<Draft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const controls = draft.controls;
  const setControls = (patch: Partial<Draft['controls']>) => update({ controls: { ...controls, ...patch } });
  const action = draft.action;
  const setAction = (patch: Partial<Draft['action']>) => update({ action: { ...action, ...patch } });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    setError(undefined);
    if (issues.length > 0) return;
    setBusy(true);
    try {
      await props.onSave(draft);
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <form className="form trigger-form" onSubmit={submit} noValidate>
        <div className="card">
          <h2>Trigger</h2>
          <div className="form-row">
            <label className="field">
              <span>Name</span>
              <input
                value={draft.name}
                onChange={(e) => update({ name: e.target.value })}
                onBlur={() => setTouched(true)}
                placeholder="Stuck on checkout"
              />
              <FieldIssues issues={show} path={['name']} />
            </label>
            <label className="field">
              <span>Description</span>
              <input
                value={draft.description ?? ''}
                onChange={(e) => update({ description: e.target.value || undefined })}
                placeholder="What this trigger is for"
              />
            </label>
          </div>
        </div>

        <div className="card">
          <h2>When</h2>
          <p className="muted small">
            The visitor is invited when these conditions hold (checked live by the engine).
          </p>
          <ConditionNode
            value={draft.conditions}
            path={['conditions']}
            issues={show}
            onChange={(conditions) => update({ conditions })}
          />
        </div>

        <div className="card">
          <h2>Invitation</h2>
          <div className="field">
            <label htmlFor="trigger-message">Message</label>
            <textarea
              id="trigger-message"
              rows={2}
              value={action.message.default}
              onChange={(e) => setAction({ message: { ...action.message, default: e.target.value } })}
            />
            <FieldIssues issues={show} path={['action', 'message', 'default']} />
          </div>
          <fieldset className="field">
            <legend>Per-language messages</legend>
            <Variants
              value={action.message.byLanguage}
              issues={show}
              onChange={(byLanguage) => {
                const message = { ...action.message };
                if (byLanguage) message.byLanguage = byLanguage;
                else delete message.byLanguage;
                setAction({ message });
              }}
            />
          </fieldset>
          <div className="form-row three">
            <label className="field">
              <span>Sender</span>
              <select
                value={action.sender.type}
                onChange={(e) =>
                  setAction({
                    sender:
                      e.target.value === 'agent'
                        ? { type: 'agent', name: action.sender.name }
                        : { type: 'team', name: action.sender.name },
                  })
                }
              >
                <option value="team">Team</option>
                <option value="agent">Agent persona</option>
              </select>
            </label>
            <label className="field">
              <span>Sender name</span>
              <input
                value={action.sender.name}
                onChange={(e) => setAction({ sender: { ...action.sender, name: e.target.value } })}
              />
              <FieldIssues issues={show} path={['action', 'sender', 'name']} />
            </label>
            {action.sender.type === 'agent' && (
              <label className="field">
                <span>Avatar URL</span>
                <input
                  value={action.sender.avatarUrl ?? ''}
                  placeholder="https://…"
                  onChange={(e) =>
                    setAction({
                      sender: {
                        type: 'agent',
                        name: action.sender.name,
                        ...(e.target.value ? { avatarUrl: e.target.value } : {}),
                      },
                    })
                  }
                />
                <FieldIssues issues={show} path={['action', 'sender', 'avatarUrl']} />
              </label>
            )}
          </div>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={action.autoOpen}
              onChange={(e) => setAction({ autoOpen: e.target.checked })}
            />
            Open the chat widget with the message (instead of a teaser)
          </label>
        </div>

        <div className="card">
          <h2>Who must be free</h2>
          <div className="form-row">
            <label className="field">
              <span>Availability</span>
              <select
                value={draft.availability.type}
                onChange={(e) =>
                  update({
                    availability:
                      e.target.value === 'team' ? { type: 'team', teamId: '' } : { type: 'any_agent' },
                  })
                }
              >
                <option value="any_agent">Any agent with a free chat slot</option>
                <option value="team">An agent of a team</option>
              </select>
            </label>
            {draft.availability.type === 'team' && (
              <label className="field">
                <span>Team</span>
                <input
                  value={draft.availability.teamId}
                  onChange={(e) => update({ availability: { type: 'team', teamId: e.target.value } })}
                />
                <FieldIssues issues={show} path={['availability', 'teamId']} />
              </label>
            )}
          </div>
        </div>

        <div className="card">
          <h2>Controls</h2>
          <div className="form-row three">
            <label className="field">
              <span>Status</span>
              <select
                value={controls.status}
                onChange={(e) => setControls({ status: e.target.value as 'enabled' })}
              >
                <option value="enabled">Enabled</option>
                <option value="paused">Paused</option>
              </select>
            </label>
            <div className="field">
              <label htmlFor="trigger-priority">Priority</label>
              <NumberField
                id="trigger-priority"
                label="Priority"
                value={controls.priority}
                onChange={(priority) => setControls({ priority })}
              />
              <FieldIssues issues={show} path={['controls', 'priority']} />
            </div>
            <div className="field">
              <label htmlFor="trigger-holdout">Holdout %</label>
              <NumberField
                id="trigger-holdout"
                label="Holdout %"
                value={controls.holdoutPercent}
                onChange={(holdoutPercent) => setControls({ holdoutPercent })}
              />
              <FieldIssues issues={show} path={['controls', 'holdoutPercent']} />
            </div>
          </div>
          <div className="form-row three">
            <div className="field">
              <label htmlFor="trigger-per-session">Invitations per visitor per session</label>
              <NumberField
                id="trigger-per-session"
                label="Invitations per session"
                value={controls.budget.maxPerSession}
                onChange={(maxPerSession) => setControls({ budget: { ...controls.budget, maxPerSession } })}
              />
              <FieldIssues issues={show} path={['controls', 'budget', 'maxPerSession']} />
            </div>
            <div className="field">
              <label htmlFor="trigger-cooldown">Pause after a dismissal (s)</label>
              <NumberField
                id="trigger-cooldown"
                label="Dismiss cooldown"
                value={controls.budget.dismissCooldownSeconds}
                onChange={(dismissCooldownSeconds) =>
                  setControls({ budget: { ...controls.budget, dismissCooldownSeconds } })
                }
              />
              <FieldIssues issues={show} path={['controls', 'budget', 'dismissCooldownSeconds']} />
            </div>
            <div className="field">
              <span>At most per visitor in N days</span>
              <div className="inline-pair">
                <NumberField
                  label="Invitations per period"
                  optional
                  placeholder="no limit"
                  value={controls.budget.maxPerPeriod?.count}
                  onChange={(count) => {
                    const budget = { ...controls.budget };
                    if (count === undefined) delete budget.maxPerPeriod;
                    else budget.maxPerPeriod = { count, days: controls.budget.maxPerPeriod?.days ?? 7 };
                    setControls({ budget });
                  }}
                />
                <span className="muted">in</span>
                <NumberField
                  label="Period days"
                  optional
                  placeholder="days"
                  value={controls.budget.maxPerPeriod?.days}
                  onChange={(days) => {
                    const period = controls.budget.maxPerPeriod;
                    if (period)
                      setControls({
                        budget: { ...controls.budget, maxPerPeriod: { ...period, days: days ?? Number.NaN } },
                      });
                  }}
                />
              </div>
              <FieldIssues issues={show} path={['controls', 'budget', 'maxPerPeriod', 'count']} />
              <FieldIssues issues={show} path={['controls', 'budget', 'maxPerPeriod', 'days']} />
            </div>
          </div>
          <div className="form-row three">
            <div className="field">
              <span>Trigger frequency cap (all visitors)</span>
              <div className="inline-pair">
                <NumberField
                  label="Cap invitations"
                  optional
                  placeholder="no cap"
                  value={controls.frequencyCap?.max}
                  onChange={(max) => {
                    if (max === undefined) {
                      const { frequencyCap: _dropped, ...rest } = controls;
                      update({ controls: rest });
                    } else
                      setControls({
                        frequencyCap: { max, windowSeconds: controls.frequencyCap?.windowSeconds ?? 3600 },
                      });
                  }}
                />
                <span className="muted">per</span>
                <NumberField
                  label="Cap window seconds"
                  optional
                  placeholder="seconds"
                  value={controls.frequencyCap?.windowSeconds}
                  onChange={(windowSeconds) => {
                    const cap = controls.frequencyCap;
                    if (cap)
                      setControls({ frequencyCap: { ...cap, windowSeconds: windowSeconds ?? Number.NaN } });
                  }}
                />
                <span className="muted">s</span>
              </div>
              <FieldIssues issues={show} path={['controls', 'frequencyCap', 'max']} />
              <FieldIssues issues={show} path={['controls', 'frequencyCap', 'windowSeconds']} />
            </div>
            <label className="field">
              <span>Starts</span>
              <input
                type="datetime-local"
                value={toLocalInput(controls.startAt)}
                onChange={(e) => {
                  const startAt = fromLocalInput(e.target.value);
                  const { startAt: _old, ...rest } = controls;
                  update({ controls: startAt === undefined ? rest : { ...rest, startAt } });
                }}
              />
            </label>
            <label className="field">
              <span>Ends</span>
              <input
                type="datetime-local"
                value={toLocalInput(controls.endAt)}
                onChange={(e) => {
                  const endAt = fromLocalInput(e.target.value);
                  const { endAt: _old, ...rest } = controls;
                  update({ controls: endAt === undefined ? rest : { ...rest, endAt } });
                }}
              />
              <FieldIssues issues={show} path={['controls', 'endAt']} />
            </label>
          </div>
        </div>

        <div className="card editor-footer">
          {touched && issues.length > 0 && (
            <div className="alert alert-error" role="alert" data-testid="draft-issues">
              <p>
                Fix {issues.length} problem{issues.length === 1 ? '' : 's'} before saving:
              </p>
              <ul>
                {issues.map((i) => (
                  <li key={`${i.path.join('.')}:${i.message}`}>
                    <strong>{i.path.join('.')}</strong>: {i.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <FormError error={error} />
          {saved && (
            <p className="alert alert-ok" role="status">
              Saved{props.version ? ` as version ${props.version}` : ''}. Engines reload the trigger at once.
            </p>
          )}
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Saving…' : props.submitLabel}
            </button>
            {props.onCancel && (
              <button type="button" className="button" onClick={props.onCancel}>
                Cancel
              </button>
            )}
            <span className="muted small">
              Every save is a new version; older versions stay in the history.
            </span>
          </div>
        </div>
      </form>
      <BacktestPanel
        siteId={props.siteId}
        draft={draft}
        issues={issues}
        {...(props.triggerId ? { triggerId: props.triggerId } : {})}
      />
    </>
  );
}
