import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snippetFiles } from '../../src/snippet/snippet-files.ts';

function folder(): string {
  const root = mkdtempSync(join(tmpdir(), 'fw-snippet-unit-'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'secret.js'), 'outside');
  writeFileSync(join(root, 'dist', 'snippet.js'), 'loader');
  writeFileSync(join(root, 'dist', 'recorder-9f8e7d6c.js'), 'chunk');
  writeFileSync(join(root, 'dist', 'recorder.js'), 'chunk');
  writeFileSync(join(root, 'dist', 'chunk-abcdefgh.js'), 'chunk');
  return join(root, 'dist');
}

describe('snippetFiles', () => {
  it('marks names with a content hash as immutable and plain names as not', async () => {
    const files = snippetFiles(folder());
    expect((await files.read('snippet.js'))?.hashed).toBe(false);
    expect((await files.read('recorder.js'))?.hashed).toBe(false);
    expect((await files.read('recorder-9f8e7d6c.js'))?.hashed).toBe(true);
    // Eight letters without a digit read as a word, not a hash.
    expect((await files.read('chunk-abcdefgh.js'))?.hashed).toBe(false);
  });

  it('never reads outside its folder', async () => {
    const files = snippetFiles(folder());
    for (const path of ['../secret.js', '..', '/etc/passwd', 'a/../../secret.js', '.hidden.js', '']) {
      expect(await files.read(path)).toBeUndefined();
    }
  });

  it('treats a missing folder as not found', async () => {
    expect(await snippetFiles('/nonexistent/floorwalker/dist').read('snippet.js')).toBeUndefined();
  });
});
