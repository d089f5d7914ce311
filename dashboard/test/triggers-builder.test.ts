import { describe, expect, it } from 'vitest';
import {
  CONDITION_TYPES,
  fieldOptions,
  LEAF_TYPES,
  NUMBER_OPS,
  TEXT_OPS,
  VALUE_OPS,
} from '../src/app/pages/triggers/schema-options.ts';
import { defaultCondition, newDraft, validateDraft } from '../src/app/pages/triggers/trigger-draft.ts';
import { diffJson } from '../src/server/triggers/trigger-diff.ts';

describe('trigger builder options', () => {
  it('offers every condition type and operator the protocol schema accepts', () => {
    expect(CONDITION_TYPES).toEqual(
      expect.arrayContaining(['page', 'time_on_page', 'cart_value', 'business_hours', 'all', 'any', 'not']),
    );
    expect(LEAF_TYPES).not.toContain('all');
    expect(TEXT_OPS).toEqual(['equals', 'contains', 'prefix', 'wildcard', 'regex']);
    expect(NUMBER_OPS).toEqual(['gt', 'gte', 'lt', 'lte', 'eq', 'between']);
    expect(VALUE_OPS).toEqual(expect.arrayContaining(['exists', 'is', 'between', 'regex']));
    expect(fieldOptions('utm', 'field')).toEqual(['source', 'medium', 'campaign', 'term', 'content']);
    expect(fieldOptions('device', 'in')).toEqual(['desktop', 'mobile', 'tablet', 'other']);
    expect(fieldOptions('business_hours', 'days')).toHaveLength(7);
  });

  it('creates a valid default for every condition type, so picking a type never leaves the draft broken', () => {
    for (const type of CONDITION_TYPES) {
      const draft = {
        ...newDraft(),
        name: 'x',
        conditions: { type: 'all' as const, conditions: [defaultCondition(type)] },
      };
      const issues = validateDraft(draft).filter((i) => !/empty|at least 1 char|Too small/i.test(i.message));
      expect({ type, issues }).toEqual({ type, issues: [] });
    }
  });

  it('validates drafts with the API schema and reports issue paths', () => {
    const draft = newDraft();
    draft.conditions = {
      type: 'all',
      conditions: [{ type: 'page', field: 'url', match: { op: 'regex', pattern: '(x+x+)+y' } }],
    };
    const paths = validateDraft(draft).map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['name', 'conditions.conditions.0.match.pattern']));
  });
});

describe('diffJson', () => {
  it('diffs objects by key, arrays by position and reports additions and removals', () => {
    expect(
      diffJson(
        { name: 'a', list: [1, 2, 3], nested: { keep: true, drop: 'x' } },
        { list: [1, 5], nested: { keep: true, add: null }, name: 'a' },
      ),
    ).toEqual([
      { path: ['list', 1], kind: 'changed', before: 2, after: 5 },
      { path: ['list', 2], kind: 'removed', before: 3 },
      { path: ['nested', 'add'], kind: 'added', after: null },
      { path: ['nested', 'drop'], kind: 'removed', before: 'x' },
    ]);
    expect(diffJson({ a: [1] }, { a: { 0: 1 } })).toEqual([
      { path: ['a'], kind: 'changed', before: [1], after: { 0: 1 } },
    ]);
    expect(diffJson({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
