import { describe, expect, it } from 'vitest';
import { installSnippet, SNIPPET_STUB } from '../src/server/sites/install-snippet.ts';
import { isTimeZone, originInput, siteUpdateInput } from '../src/server/sites/site-input.ts';

describe('site input', () => {
  it('accepts origins and stores them canonically', () => {
    expect(originInput.parse('https://Shop.Example/')).toBe('https://shop.example');
    expect(originInput.parse('http://localhost:3000')).toBe('http://localhost:3000');
    expect(originInput.parse('https://shop.example:443')).toBe('https://shop.example');
  });

  it('rejects paths, queries, credentials, other schemes and non-URLs', () => {
    for (const bad of [
      'https://shop.example/cart',
      'https://shop.example?x=1',
      'https://u:p@shop.example',
      'ftp://x.example',
      'shop.example',
      '',
    ]) {
      expect(originInput.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
  });

  it('leaves fields out of an update untouched instead of resetting them to defaults', () => {
    expect(siteUpdateInput.parse({ name: 'New' })).toEqual({ name: 'New' });
  });
});

describe('install snippet', () => {
  it('is the queue stub plus the async loader tag for the site', () => {
    expect(installSnippet('https://c.example/', 'site_abc')).toBe(
      `<script>${SNIPPET_STUB}</script><script async src="https://c.example/snippet.js" data-site="site_abc"></script>`,
    );
    expect(SNIPPET_STUB).toBe(
      'window.floorwalker=window.floorwalker||function(){(floorwalker.q=floorwalker.q||[]).push(arguments)};',
    );
  });

  it('escapes attribute values', () => {
    expect(installSnippet('https://c.example', 'a"><script>')).toContain(
      'data-site="a&quot;&gt;&lt;script&gt;"',
    );
  });
});
