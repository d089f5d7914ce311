import { describe, expect, it } from 'vitest';
import { browserHost, localUrl, redactUrl } from '../../scripts/all-in-one/run.ts';

describe('all-in-one URLs', () => {
  it('prints a URL a local browser can open for any bind address', () => {
    expect(browserHost('0.0.0.0')).toBe('localhost');
    expect(browserHost('::')).toBe('localhost');
    expect(browserHost('127.0.0.1')).toBe('127.0.0.1');
    expect(browserHost('::1')).toBe('[::1]');
    expect(localUrl({ address: '127.0.0.1', family: 'IPv4', port: 8081 })).toBe('http://127.0.0.1:8081');
    expect(localUrl({ address: '::1', family: 'IPv6', port: 8080 })).toBe('http://[::1]:8080');
    expect(() => localUrl(null)).toThrow();
  });

  it('never prints a password from a configured URL', () => {
    expect(redactUrl('http://fw:s3cret@clickhouse:8123')).toBe('http://fw:***@clickhouse:8123');
    expect(redactUrl('redis://:s3cret@redis:6379/0')).not.toContain('s3cret');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('not a url')).toBe('(unparsable URL)');
  });
});
