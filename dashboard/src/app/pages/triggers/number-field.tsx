import { useEffect, useState } from 'react';

/**
 * A number input that keeps what the user types (an empty or half-typed value stays on screen) and
 * reports a number, `undefined` when empty and optional, or NaN (which the schema then rejects
 * with its message at the field's path).
 */
export function NumberField(props: {
  label: string;
  value: number | undefined;
  onChange: (value: number) => void;
  optional?: false;
  placeholder?: string;
  id?: string;
  step?: string;
}): React.JSX.Element;
export function NumberField(props: {
  label: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  optional: true;
  placeholder?: string;
  id?: string;
  step?: string;
}): React.JSX.Element;
export function NumberField(props: {
  label: string;
  value: number | undefined;
  onChange: ((value: number) => void) | ((value: number | undefined) => void);
  optional?: boolean;
  placeholder?: string;
  id?: string;
  step?: string;
}) {
  const [text, setText] = useState(
    props.value === undefined || Number.isNaN(props.value) ? '' : String(props.value),
  );
  useEffect(() => {
    setText((current) => {
      const parsed = current.trim() === '' ? undefined : Number(current);
      if (
        parsed === props.value ||
        (parsed !== undefined && Number.isNaN(parsed) && Number.isNaN(props.value))
      )
        return current;
      return props.value === undefined || Number.isNaN(props.value) ? current : String(props.value);
    });
  }, [props.value]);
  return (
    <input
      id={props.id}
      aria-label={props.id ? undefined : props.label}
      inputMode="decimal"
      step={props.step}
      value={text}
      placeholder={props.placeholder}
      onChange={(e) => {
        setText(e.target.value);
        const t = e.target.value.trim();
        if (t === '' && props.optional) (props.onChange as (v: number | undefined) => void)(undefined);
        else (props.onChange as (v: number) => void)(t === '' ? Number.NaN : Number(t));
      }}
    />
  );
}
