import type {
  Condition,
  LeafCondition,
  NumberCompare,
  PropertyMatch,
  TextMatch,
  ValueMatch,
} from '@floorwalker/protocol';
import type { ErrorIssue } from '../../api/api-types.ts';
import { NumberField } from './number-field.tsx';
import {
  CONDITION_LABELS,
  CONDITION_TYPES,
  fieldOptions,
  LEAF_TYPES,
  NUMBER_OPS,
  OP_LABELS,
  TEXT_OPS,
  VALUE_OPS,
} from './schema-options.ts';
import { defaultCondition, issuesAt, issuesUnder } from './trigger-draft.ts';

type Path = (string | number)[];

/** Messages of the issues exactly at a path, shown next to the input. */
export function FieldIssues(props: { issues: readonly ErrorIssue[]; path: Path }) {
  const here = issuesAt(props.issues, props.path);
  if (here.length === 0) return null;
  return (
    <span className="field-issue" role="alert" data-path={props.path.join('.')}>
      {here.map((i) => i.message).join('; ')}
    </span>
  );
}

function TextMatchEditor(props: {
  value: TextMatch;
  path: Path;
  issues: readonly ErrorIssue[];
  onChange: (value: TextMatch) => void;
  ops?: readonly string[];
}) {
  const { value } = props;
  const text = 'pattern' in value ? value.pattern : value.value;
  const setOp = (op: string) => {
    if (op === 'regex') props.onChange({ op, pattern: text });
    else if (op === 'wildcard') props.onChange({ op, pattern: text });
    else props.onChange({ op: op as 'equals', value: text });
  };
  const setText = (t: string) => {
    if (value.op === 'regex') props.onChange({ ...value, pattern: t });
    else if (value.op === 'wildcard') props.onChange({ ...value, pattern: t });
    else props.onChange({ ...value, value: t });
  };
  const textKey = 'pattern' in value ? 'pattern' : 'value';
  return (
    <>
      <select aria-label="Operator" value={value.op} onChange={(e) => setOp(e.target.value)}>
        {(props.ops ?? TEXT_OPS).map((op) => (
          <option key={op} value={op}>
            {OP_LABELS[op] ?? op}
          </option>
        ))}
      </select>
      <span className="cond-input">
        <input
          aria-label="Value"
          value={text}
          placeholder={
            value.op === 'regex' ? '^/checkout(/.*)?$' : value.op === 'wildcard' ? '/products/*/reviews' : ''
          }
          aria-invalid={issuesUnder(props.issues, [...props.path, textKey]).length > 0}
          onChange={(e) => setText(e.target.value)}
        />
        <FieldIssues issues={props.issues} path={[...props.path, textKey]} />
        <FieldIssues issues={props.issues} path={props.path} />
      </span>
    </>
  );
}

function NumberCompareEditor(props: {
  value: NumberCompare;
  path: Path;
  issues: readonly ErrorIssue[];
  onChange: (value: NumberCompare) => void;
}) {
  const { value } = props;
  const setOp = (op: string) => {
    if (op === 'between') {
      const v = 'value' in value ? value.value : value.min;
      props.onChange({ op, min: v, max: v });
    } else props.onChange({ op: op as 'gt', value: 'value' in value ? value.value : value.min });
  };
  return (
    <>
      <select aria-label="Operator" value={value.op} onChange={(e) => setOp(e.target.value)}>
        {NUMBER_OPS.map((op) => (
          <option key={op} value={op}>
            {OP_LABELS[op] ?? op}
          </option>
        ))}
      </select>
      {value.op === 'between' ? (
        <>
          <span className="cond-input narrow">
            <NumberField
              label="Minimum"
              value={value.min}
              onChange={(min) => props.onChange({ ...value, min })}
            />
            <FieldIssues issues={props.issues} path={[...props.path, 'min']} />
          </span>
          <span className="muted">and</span>
          <span className="cond-input narrow">
            <NumberField
              label="Maximum"
              value={value.max}
              onChange={(max) => props.onChange({ ...value, max })}
            />
            <FieldIssues issues={props.issues} path={[...props.path, 'max']} />
          </span>
        </>
      ) : (
        <span className="cond-input narrow">
          <NumberField
            label="Value"
            value={value.value}
            onChange={(v) => props.onChange({ ...value, value: v })}
          />
          <FieldIssues issues={props.issues} path={[...props.path, 'value']} />
        </span>
      )}
    </>
  );
}

function ValueMatchEditor(props: {
  value: ValueMatch;
  path: Path;
  issues: readonly ErrorIssue[];
  onChange: (value: ValueMatch) => void;
}) {
  const { value } = props;
  const setOp = (op: string) => {
    if (op === 'exists') props.onChange({ op });
    else if (op === 'is') props.onChange({ op, value: true });
    else if (NUMBER_OPS.includes(op))
      props.onChange(op === 'between' ? { op, min: 0, max: 0 } : { op: op as 'gt', value: 0 });
    else if (op === 'regex' || op === 'wildcard') props.onChange({ op, pattern: '' });
    else props.onChange({ op: op as 'equals', value: '' });
  };
  if (value.op === 'exists' || value.op === 'is') {
    return (
      <>
        <select aria-label="Operator" value={value.op} onChange={(e) => setOp(e.target.value)}>
          {VALUE_OPS.map((op) => (
            <option key={op} value={op}>
              {OP_LABELS[op] ?? op}
            </option>
          ))}
        </select>
        {value.op === 'is' && (
          <select
            aria-label="Value"
            value={String(value.value)}
            onChange={(e) => props.onChange({ op: 'is', value: e.target.value === 'true' })}
          >
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        )}
      </>
    );
  }
  if (NUMBER_OPS.includes(value.op)) {
    return (
      <NumberCompareEditor
        value={value as NumberCompare}
        path={props.path}
        issues={props.issues}
        onChange={(v) => props.onChange(v)}
      />
    );
  }
  return (
    <TextMatchEditor
      value={value as TextMatch}
      path={props.path}
      issues={props.issues}
      ops={VALUE_OPS}
      onChange={(v) =>
        VALUE_OPS.includes(v.op) && !TEXT_OPS.includes(v.op) ? setOp(v.op) : props.onChange(v)
      }
    />
  );
}

function ListEditor(props: {
  label: string;
  value: readonly string[];
  options?: readonly string[];
  path: Path;
  issues: readonly ErrorIssue[];
  onChange: (value: string[]) => void;
}) {
  if (props.options && props.options.length > 0) {
    return (
      <span className="cond-input">
        <fieldset className="chip-group" aria-label={props.label}>
          {props.options.map((o) => (
            <label key={o} className="chip">
              <input
                type="checkbox"
                checked={props.value.includes(o)}
                onChange={(e) =>
                  props.onChange(e.target.checked ? [...props.value, o] : props.value.filter((v) => v !== o))
                }
              />
              {o}
            </label>
          ))}
        </fieldset>
        <FieldIssues issues={props.issues} path={props.path} />
      </span>
    );
  }
  return (
    <span className="cond-input">
      <input
        aria-label={props.label}
        value={props.value.join(', ')}
        placeholder="DE, AT, CH"
        onChange={(e) =>
          props.onChange(
            e.target.value
              .split(/[\s,]+/)
              .map((v) => v.trim())
              .filter(Boolean),
          )
        }
      />
      {issuesUnder(props.issues, props.path).map((i) => (
        <span key={`${i.path.join('.')}:${i.message}`} className="field-issue" role="alert">
          {i.path.slice(props.path.length).join('.')} {i.message}
        </span>
      ))}
    </span>
  );
}

function OptionalSeconds(props: {
  label: string;
  value: number | undefined;
  path: Path;
  issues: readonly ErrorIssue[];
  onChange: (value: number | undefined) => void;
}) {
  return (
    <span className="cond-input narrow">
      <NumberField
        label={props.label}
        value={props.value}
        optional
        onChange={props.onChange}
        placeholder="any time"
      />
      <FieldIssues issues={props.issues} path={props.path} />
    </span>
  );
}

function PropsEditor(props: {
  value: PropertyMatch[];
  path: Path;
  issues: readonly ErrorIssue[];
  onChange: (value: PropertyMatch[]) => void;
}) {
  return (
    <div className="cond-props">
      {props.value.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
        <div key={i} className="cond-row">
          <span className="muted small">where</span>
          <input
            aria-label="Property"
            className="narrow"
            value={p.key}
            onChange={(e) =>
              props.onChange(props.value.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))
            }
          />
          <ValueMatchEditor
            value={p.match}
            path={[...props.path, i, 'match']}
            issues={props.issues}
            onChange={(match) => props.onChange(props.value.map((x, j) => (j === i ? { ...x, match } : x)))}
          />
          <button
            type="button"
            className="button button-quiet icon"
            aria-label="Remove property condition"
            onClick={() => props.onChange(props.value.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button button-quiet small"
        onClick={() => props.onChange([...props.value, { key: 'sku', match: { op: 'equals', value: '' } }])}
      >
        + Property condition
      </button>
    </div>
  );
}

function LeafFields(props: {
  value: LeafCondition;
  path: Path;
  issues: readonly ErrorIssue[];
  onChange: (value: Condition) => void;
}) {
  const { value, path, issues } = props;
  const set = (patch: Partial<LeafCondition>) => props.onChange({ ...value, ...patch } as LeafCondition);
  switch (value.type) {
    case 'page':
      return (
        <>
          <select
            aria-label="Page field"
            value={value.field}
            onChange={(e) => set({ field: e.target.value as 'path' })}
          >
            {fieldOptions('page', 'field').map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
          <TextMatchEditor
            value={value.match}
            path={[...path, 'match']}
            issues={issues}
            onChange={(match) => set({ match })}
          />
        </>
      );
    case 'referrer':
      return (
        <TextMatchEditor
          value={value.match}
          path={[...path, 'match']}
          issues={issues}
          onChange={(match) => set({ match })}
        />
      );
    case 'utm':
      return (
        <>
          <select
            aria-label="UTM field"
            value={value.field}
            onChange={(e) => set({ field: e.target.value as 'source' })}
          >
            {fieldOptions('utm', 'field').map((f) => (
              <option key={f} value={f}>
                utm_{f}
              </option>
            ))}
          </select>
          <TextMatchEditor
            value={value.match}
            path={[...path, 'match']}
            issues={issues}
            onChange={(match) => set({ match })}
          />
        </>
      );
    case 'visitor_type':
      return (
        <select
          aria-label="Visitor type"
          value={value.value}
          onChange={(e) => set({ value: e.target.value as 'new' })}
        >
          {fieldOptions('visitor_type', 'value').map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      );
    case 'device':
      return (
        <ListEditor
          label="Devices"
          value={value.in}
          options={fieldOptions('device', 'in')}
          path={[...path, 'in']}
          issues={issues}
          onChange={(list) => set({ in: list as typeof value.in })}
        />
      );
    case 'country':
    case 'language':
      return (
        <ListEditor
          label={value.type === 'country' ? 'Countries' : 'Languages'}
          value={value.in}
          path={[...path, 'in']}
          issues={issues}
          onChange={(list) => set({ in: list })}
        />
      );
    case 'event':
      return (
        <div className="cond-stack">
          <div className="cond-row">
            <span className="cond-input">
              <input
                aria-label="Event name"
                value={value.name}
                onChange={(e) => set({ name: e.target.value })}
              />
              <FieldIssues issues={issues} path={[...path, 'name']} />
            </span>
            <span className="muted small">at least</span>
            <span className="cond-input narrow">
              <NumberField
                label="Minimum count"
                value={value.minCount}
                optional
                placeholder="1"
                onChange={(minCount) => set({ minCount })}
              />
              <FieldIssues issues={issues} path={[...path, 'minCount']} />
            </span>
            <span className="muted small">times within (s)</span>
            <OptionalSeconds
              label="Within seconds"
              value={value.withinSeconds}
              path={[...path, 'withinSeconds']}
              issues={issues}
              onChange={(withinSeconds) => set({ withinSeconds })}
            />
          </div>
          <PropsEditor
            value={value.props ?? []}
            path={[...path, 'props']}
            issues={issues}
            onChange={(p) => set({ props: p.length ? p : undefined })}
          />
        </div>
      );
    case 'exit_intent':
      return (
        <>
          <span className="muted small">within (s)</span>
          <OptionalSeconds
            label="Within seconds"
            value={value.withinSeconds}
            path={[...path, 'withinSeconds']}
            issues={issues}
            onChange={(withinSeconds) => set({ withinSeconds })}
          />
        </>
      );
    case 'attribute':
      return (
        <>
          <span className="cond-input narrow">
            <input aria-label="Attribute" value={value.key} onChange={(e) => set({ key: e.target.value })} />
            <FieldIssues issues={issues} path={[...path, 'key']} />
          </span>
          <ValueMatchEditor
            value={value.match}
            path={[...path, 'match']}
            issues={issues}
            onChange={(match) => set({ match })}
          />
        </>
      );
    case 'business_hours':
      return (
        <div className="cond-stack">
          <ListEditor
            label="Days"
            value={value.days}
            options={fieldOptions('business_hours', 'days')}
            path={[...path, 'days']}
            issues={issues}
            onChange={(days) => set({ days: days as typeof value.days })}
          />
          <div className="cond-row">
            <span className="cond-input narrow">
              <input
                aria-label="Opens"
                type="time"
                value={value.from}
                onChange={(e) => set({ from: e.target.value })}
              />
              <FieldIssues issues={issues} path={[...path, 'from']} />
            </span>
            <span className="muted">to</span>
            <span className="cond-input narrow">
              <input
                aria-label="Closes"
                type="time"
                value={value.to}
                onChange={(e) => set({ to: e.target.value })}
              />
              <FieldIssues issues={issues} path={[...path, 'to']} />
            </span>
            <span className="cond-input">
              <input
                aria-label="Time zone"
                value={value.timezone ?? ''}
                placeholder="site time zone"
                onChange={(e) => set({ timezone: e.target.value || undefined })}
              />
              <FieldIssues issues={issues} path={[...path, 'timezone']} />
            </span>
          </div>
        </div>
      );
    default:
      return (
        <NumberCompareEditor
          value={value.compare}
          path={[...path, 'compare']}
          issues={issues}
          onChange={(compare) => set({ compare })}
        />
      );
  }
}

/** One node of the condition tree: a group (all / any / not) with its children, or a leaf with its pickers. */
export function ConditionNode(props: {
  value: Condition;
  path: Path;
  issues: readonly ErrorIssue[];
  onChange: (value: Condition) => void;
  onRemove?: () => void;
  depth?: number;
}) {
  const { value, path, issues } = props;
  const depth = props.depth ?? 0;
  const typePicker = (
    <select
      aria-label="Condition type"
      className="cond-type"
      value={value.type}
      onChange={(e) => props.onChange(defaultCondition(e.target.value))}
    >
      <optgroup label="Conditions">
        {LEAF_TYPES.map((t) => (
          <option key={t} value={t}>
            {CONDITION_LABELS[t] ?? t}
          </option>
        ))}
      </optgroup>
      <optgroup label="Groups">
        {CONDITION_TYPES.filter((t) => !LEAF_TYPES.includes(t)).map((t) => (
          <option key={t} value={t}>
            {CONDITION_LABELS[t] ?? t}
          </option>
        ))}
      </optgroup>
    </select>
  );
  const remove = props.onRemove && (
    <button
      type="button"
      className="button button-quiet icon"
      aria-label="Remove condition"
      onClick={props.onRemove}
    >
      ×
    </button>
  );

  if (value.type === 'all' || value.type === 'any') {
    const children = value.conditions;
    const setChildren = (conditions: Condition[]) => props.onChange({ ...value, conditions });
    return (
      <fieldset className={`cond-group depth-${depth % 3}`} data-testid="condition-group">
        <div className="cond-group-head">
          <select
            aria-label="Group"
            className="cond-type"
            value={value.type}
            onChange={(e) => props.onChange({ ...value, type: e.target.value as 'all' | 'any' })}
          >
            <option value="all">All of these hold</option>
            <option value="any">Any of these holds</option>
          </select>
          <FieldIssues issues={issues} path={[...path, 'conditions']} />
          <span className="spacer" />
          {props.onRemove && (
            <button
              type="button"
              className="button button-quiet small"
              onClick={() => props.onChange({ type: 'not', condition: value })}
            >
              Negate
            </button>
          )}
          {remove}
        </div>
        {children.map((child, i) => (
          <ConditionNode
            // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their position
            key={i}
            value={child}
            path={[...path, 'conditions', i]}
            issues={issues}
            depth={depth + 1}
            onChange={(c) => setChildren(children.map((x, j) => (j === i ? c : x)))}
            onRemove={children.length > 1 ? () => setChildren(children.filter((_, j) => j !== i)) : undefined}
          />
        ))}
        <div className="cond-add">
          <button
            type="button"
            className="button button-quiet small"
            onClick={() => setChildren([...children, defaultCondition('page')])}
          >
            + Condition
          </button>
          <button
            type="button"
            className="button button-quiet small"
            onClick={() => setChildren([...children, defaultCondition(value.type === 'all' ? 'any' : 'all')])}
          >
            + Group
          </button>
        </div>
      </fieldset>
    );
  }

  if (value.type === 'not') {
    return (
      <div className="cond-not">
        <div className="cond-group-head">
          <span className="badge badge-warn">NOT</span>
          <span className="spacer" />
          <button
            type="button"
            className="button button-quiet small"
            onClick={() => props.onChange(value.condition)}
          >
            Remove “not”
          </button>
          {remove}
        </div>
        <ConditionNode
          value={value.condition}
          path={[...path, 'condition']}
          issues={issues}
          depth={depth + 1}
          onChange={(condition) => props.onChange({ type: 'not', condition })}
        />
      </div>
    );
  }

  return (
    <div className="cond-leaf" data-testid="condition-leaf" data-path={path.join('.')}>
      {typePicker}
      <LeafFields value={value as LeafCondition} path={path} issues={issues} onChange={props.onChange} />
      <span className="spacer" />
      {remove}
    </div>
  );
}
