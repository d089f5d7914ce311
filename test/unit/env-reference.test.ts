import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { collectorEnvShape } from '@floorwalker/collector';
import { storeEnvShape } from '@floorwalker/store';
import { describe, expect, it } from 'vitest';
import { allInOneEnvShape } from '../../scripts/all-in-one/config.ts';
import {
  collectEnvVariables,
  normalizeTable,
  README_END,
  README_START,
  renderEnvExample,
  renderEnvTable,
  variablesIn,
} from '../../scripts/docs/env-reference.ts';
import { setupEnvShape } from '../../scripts/setup/config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const variables = collectEnvVariables(root);
const names = variables.map((v) => v.name);
const readme = readFileSync(`${root}README.md`, 'utf8');
const envExample = readFileSync(`${root}.env.example`, 'utf8');

describe('configuration reference', () => {
  it('reads keys and their TSDoc from a zod env shape', () => {
    const source = `export const demoEnvShape = {
  ...storeEnvShape,
  /** Port of the thing. Default {@link DEFAULT}. */
  THING_PORT: z.coerce.number(),
  /**
   * Two lines
   * of doc.
   */
  THING_MODE: z.enum(['a', 'b']),
  THING_BARE: z.string(),
} as const;
const notEnv = { OTHER_KEY: 1 };`;
    expect(variablesIn(source)).toEqual([
      { name: 'THING_PORT', doc: 'Port of the thing. Default DEFAULT.' },
      { name: 'THING_MODE', doc: 'Two lines of doc.' },
      { name: 'THING_BARE', doc: '' },
    ]);
  });

  it('finds every variable of the shapes that are exported', () => {
    for (const shape of [storeEnvShape, collectorEnvShape, allInOneEnvShape, setupEnvShape]) {
      for (const name of Object.keys(shape)) expect(names).toContain(name);
    }
  });

  it('documents every variable, with a description, in the README table', () => {
    const start = readme.indexOf(README_START);
    const end = readme.indexOf(README_END);
    expect(start).toBeGreaterThan(0);
    expect(normalizeTable(readme.slice(start + README_START.length, end))).toBe(
      normalizeTable(renderEnvTable(variables)),
    );
    for (const variable of variables) {
      expect(readme).toMatch(new RegExp(`\\| \`${variable.name}\`\\s+\\|`));
      expect(
        variable.docs.some((d) => d.doc.length > 10),
        `${variable.name} has no TSDoc`,
      ).toBe(true);
    }
  });

  it('lists every variable in .env.example (regenerate with npm run docs:env)', () => {
    expect(envExample).toBe(renderEnvExample(variables));
    for (const name of names) expect(envExample).toMatch(new RegExp(`^# ${name}=$`, 'm'));
  });
});
