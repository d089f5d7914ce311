type RandomSource = Pick<Crypto, 'getRandomValues'> & Partial<Pick<Crypto, 'randomUUID'>>;

/**
 * A random RFC 9562 version 4 UUID. `crypto.randomUUID` only exists in secure contexts (https,
 * localhost), so plain-http shops fall back to `getRandomValues` (available everywhere).
 */
export function randomId(source: RandomSource = crypto): string {
  return source.randomUUID
    ? source.randomUUID()
    : // Each 0/1/8 of the template becomes a random hex digit; `8` keeps the variant bits 10xx.
      '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (d) =>
        (+d ^ (source.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+d / 4)))).toString(16),
      );
}
