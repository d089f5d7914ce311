import { type Condition, type LeafCondition, type TriggerRule, triggerDraft } from '@floorwalker/protocol';
import type { ErrorIssue } from '../../api/api-types.ts';
import type { TriggerView } from './trigger-types.ts';

/** A draft in the editor: the rule with every default filled in. */
export type Draft = TriggerRule;

export function newDraft(): Draft {
  return {
    name: '',
    conditions: {
      type: 'all',
      conditions: [
        { type: 'page', field: 'path', match: { op: 'prefix', value: '/checkout' } },
        { type: 'time_on_page', compare: { op: 'gt', value: 120 } },
      ],
    },
    availability: { type: 'any_agent' },
    action: {
      type: 'invite',
      message: { default: 'Need a hand with your order?' },
      sender: { type: 'team', name: 'Support' },
      autoOpen: false,
    },
    controls: {
      status: 'enabled',
      priority: 0,
      budget: { maxPerSession: 1, dismissCooldownSeconds: 0 },
      holdoutPercent: 10,
    },
  };
}

/** The editable rule of a saved trigger (server fields dropped). */
export function draftOf(trigger: TriggerView | TriggerRule): Draft {
  const rule: Draft = {
    name: trigger.name,
    conditions: trigger.conditions,
    availability: trigger.availability,
    action: trigger.action,
    controls: trigger.controls,
  };
  if (trigger.description !== undefined) rule.description = trigger.description;
  return structuredClone(rule);
}

/** Validates a draft with the same schema the API uses; the issues carry the same paths. */
export function validateDraft(draft: Draft): ErrorIssue[] {
  const result = triggerDraft.safeParse(draft);
  if (result.success) return [];
  return result.error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }));
}

/** Issues exactly at `path` (not below it). */
export function issuesAt(issues: readonly ErrorIssue[], path: readonly (string | number)[]): ErrorIssue[] {
  const key = path.join('.');
  return issues.filter((i) => i.path.join('.') === key);
}

/** Issues at or below `path`. */
export function issuesUnder(issues: readonly ErrorIssue[], path: readonly (string | number)[]): ErrorIssue[] {
  const key = path.join('.');
  return issues.filter((i) => {
    const p = i.path.join('.');
    return p === key || p.startsWith(`${key}.`);
  });
}

/** A sensible new condition of a type, for the type picker. */
export function defaultCondition(type: string): Condition {
  switch (type) {
    case 'all':
    case 'any':
      return { type, conditions: [{ type: 'page', field: 'path', match: { op: 'contains', value: '' } }] };
    case 'not':
      return { type: 'not', condition: { type: 'device', in: ['mobile'] } };
    default:
      return defaultLeaf(type);
  }
}

function defaultLeaf(type: string): LeafCondition {
  switch (type) {
    case 'page':
      return { type: 'page', field: 'path', match: { op: 'contains', value: '' } };
    case 'referrer':
      return { type: 'referrer', match: { op: 'contains', value: '' } };
    case 'utm':
      return { type: 'utm', field: 'source', match: { op: 'equals', value: '' } };
    case 'visitor_type':
      return { type: 'visitor_type', value: 'returning' };
    case 'device':
      return { type: 'device', in: ['desktop'] };
    case 'country':
      return { type: 'country', in: ['DE'] };
    case 'language':
      return { type: 'language', in: ['en'] };
    case 'event':
      return { type: 'event', name: 'add_to_cart', minCount: 1 };
    case 'exit_intent':
      return { type: 'exit_intent', withinSeconds: 30 };
    case 'attribute':
      return { type: 'attribute', key: 'plan', match: { op: 'equals', value: '' } };
    case 'business_hours':
      return {
        type: 'business_hours',
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        from: '09:00',
        to: '18:00',
      };
    default:
      return { type: type as 'time_on_page', compare: { op: 'gt', value: 60 } };
  }
}
