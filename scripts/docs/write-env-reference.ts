// `npm run docs:env`: rewrites the README's configuration table and `.env.example` from the
// apps' zod schemas (their TSDoc is the documentation). A unit test fails when they are stale.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  collectEnvVariables,
  renderEnvExample,
  renderEnvTable,
  replaceReadmeTable,
} from './env-reference.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const variables = collectEnvVariables(root);
const readmePath = `${root}README.md`;
writeFileSync(readmePath, replaceReadmeTable(readFileSync(readmePath, 'utf8'), renderEnvTable(variables)));
writeFileSync(`${root}.env.example`, renderEnvExample(variables));
// Biome formats Markdown tables (column alignment); the unit test compares modulo that padding.
spawnSync(`${root}node_modules/.bin/biome`, ['format', '--write', 'README.md'], {
  cwd: root,
  stdio: 'ignore',
});
console.log(`docs:env: ${variables.length} variables written to README.md and .env.example`);
