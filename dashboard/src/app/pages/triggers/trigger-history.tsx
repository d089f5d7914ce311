import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/api-client.ts';
import { FormError } from '../../components/form-error.tsx';
import type { Json, TriggerDiffResponse, TriggerVersionsResponse } from './trigger-types.ts';

type Version = TriggerVersionsResponse['versions'][number];

function show(value: Json | undefined): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `conditions.conditions.1.compare.value` → `conditions › #2 › compare › value`. */
function pathLabel(path: (string | number)[]): string {
  return path
    .filter((p) => p !== 'conditions' || path.length === 1)
    .map((p) => (typeof p === 'number' ? `#${p + 1}` : p))
    .join(' › ');
}

/** Version history with a side-by-side structured diff of any two versions and restore. */
export function TriggerHistory(props: {
  siteId: string;
  triggerId: string;
  /** Bumped by the parent after every save so the list reloads. */
  reloadKey: number;
  users: ReadonlyMap<string, string>;
  onRestored: () => void;
}) {
  const base = `/api/sites/${encodeURIComponent(props.siteId)}/triggers/${encodeURIComponent(props.triggerId)}`;
  const [versions, setVersions] = useState<Version[] | undefined>();
  const [pair, setPair] = useState<{ from: number; to: number } | undefined>();
  const [diff, setDiff] = useState<TriggerDiffResponse | undefined>();
  const [error, setError] = useState<unknown>();

  const load = useCallback(async () => {
    try {
      const list = (await api.get<TriggerVersionsResponse>(`${base}/versions`)).versions;
      setVersions(list);
      const [latest, previous] = list;
      setPair(latest && previous ? { from: previous.version, to: latest.version } : undefined);
    } catch (e) {
      setError(e);
    }
  }, [base]);
  useEffect(() => {
    void props.reloadKey;
    void load();
  }, [load, props.reloadKey]);

  useEffect(() => {
    if (!pair) {
      setDiff(undefined);
      return;
    }
    let live = true;
    api
      .get<TriggerDiffResponse>(`${base}/diff?from=${pair.from}&to=${pair.to}`)
      .then((d) => live && setDiff(d))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [base, pair]);

  async function restore(version: number) {
    if (!window.confirm(`Restore version ${version}? It is saved as a new version; nothing is lost.`)) return;
    try {
      await api.post(`${base}/versions/${version}/restore`);
      props.onRestored();
      await load();
    } catch (e) {
      setError(e);
    }
  }

  if (!versions) return <p className="muted">Loading history…</p>;
  const latest = versions[0]?.version;
  return (
    <div className="history">
      <FormError error={error} />
      <table className="table" aria-label="Versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Saved</th>
            <th>By</th>
            <th>Change</th>
            <th>Compare</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-testid={`version-${v.version}`}>
              <td>
                v{v.version} {v.version === latest && <span className="badge">current</span>}
              </td>
              <td>{new Date(v.savedAt).toLocaleString()}</td>
              <td>{props.users.get(v.author) ?? v.author}</td>
              <td className="muted small">
                {v.deleted ? 'deleted' : v.restoredFrom ? `restored v${v.restoredFrom}` : v.rule.name}
              </td>
              <td>
                <label className="radio">
                  <input
                    type="radio"
                    name="diff-from"
                    aria-label={`Compare from v${v.version}`}
                    checked={pair?.from === v.version}
                    onChange={() => setPair({ from: v.version, to: pair?.to ?? latest ?? v.version })}
                  />
                  from
                </label>
                <label className="radio">
                  <input
                    type="radio"
                    name="diff-to"
                    aria-label={`Compare to v${v.version}`}
                    checked={pair?.to === v.version}
                    onChange={() => setPair({ from: pair?.from ?? v.version, to: v.version })}
                  />
                  to
                </label>
              </td>
              <td>
                {v.version !== latest && !v.deleted && (
                  <button
                    type="button"
                    className="button button-quiet small"
                    onClick={() => void restore(v.version)}
                  >
                    Restore v{v.version}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {pair && pair.from === pair.to && <p className="muted">Pick two different versions to compare.</p>}
      {diff && pair && pair.from !== pair.to && (
        <div className="diff" data-testid="version-diff">
          <h3>
            Changes from v{diff.from} to v{diff.to}
          </h3>
          {diff.changes.length === 0 ? (
            <p className="muted">The two versions define the same rule.</p>
          ) : (
            <table className="table diff-table">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>v{diff.from}</th>
                  <th>v{diff.to}</th>
                </tr>
              </thead>
              <tbody>
                {diff.changes.map((c) => (
                  <tr key={c.path.join('.')} className={`diff-${c.kind}`}>
                    <td title={c.path.join('.')}>{pathLabel(c.path)}</td>
                    <td className="diff-before">
                      <code>{show(c.before)}</code>
                    </td>
                    <td className="diff-after">
                      <code>{show(c.after)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}
