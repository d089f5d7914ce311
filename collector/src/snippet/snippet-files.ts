import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One servable file, read once and kept while its size and mtime are unchanged. */
export interface SnippetFile {
  body: Buffer;
  /** Gzipped body, when that is smaller. */
  gzip: Buffer | undefined;
  etag: string;
  contentType: string;
  /** Name carries a content hash (`recorder-3fa9c1d2.js`): cacheable forever. */
  hashed: boolean;
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** Path segments we serve: no dot files, no `..`, no odd characters. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** A bundler's content hash before the extension: 8+ characters with a digit (`chunk-a1b2c3d4.js`). */
const HASHED = /[.-](?=[A-Za-z0-9_]*\d)[A-Za-z0-9_]{8,}\.(?:m?js|css|map)$/;

/**
 * The built snippet files of one folder. Paths are validated segment by segment and must
 * resolve inside the folder; unknown extensions are not served. Files are re-read when they
 * change on disk (a rebuild while running), and a missing folder is simply "not found".
 */
export function snippetFiles(dir: string) {
  const root = resolve(dir);
  const cache = new Map<string, { size: number; mtimeMs: number; file: SnippetFile }>();

  return {
    dir: root,
    /** The file at `relativePath` (slash-separated), or undefined when absent or not servable. */
    async read(relativePath: string): Promise<SnippetFile | undefined> {
      const segments = relativePath.split('/');
      if (segments.length > 4 || !segments.every((s) => SEGMENT.test(s))) return undefined;
      const contentType = contentTypes[extname(relativePath)];
      if (!contentType) return undefined;
      const full = join(root, ...segments);
      if (!full.startsWith(root + sep)) return undefined;
      let info: Awaited<ReturnType<typeof stat>>;
      try {
        info = await stat(full);
      } catch {
        return undefined;
      }
      if (!info.isFile()) return undefined;
      const cached = cache.get(full);
      if (cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs) return cached.file;
      let body: Buffer;
      try {
        body = await readFile(full);
      } catch {
        return undefined;
      }
      const zipped = gzipSync(body, { level: 9 });
      const file: SnippetFile = {
        body,
        gzip: zipped.length < body.length ? zipped : undefined,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        contentType,
        hashed: HASHED.test(relativePath),
      };
      cache.set(full, { size: info.size, mtimeMs: info.mtimeMs, file });
      return file;
    },
  };
}
export type SnippetFiles = ReturnType<typeof snippetFiles>;
