import { z } from 'zod';

/** True for an IANA time zone name this runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** An allowed origin: `https://shop.example` or `http://localhost:3000`, stored in its canonical form. */
export const originInput = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a URL; expected an origin like https://shop.example' });
      return z.NEVER;
    }
    const pathless = (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash;
    if (
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      !pathless ||
      url.username ||
      url.password
    ) {
      ctx.addIssue({ code: 'custom', message: 'expected an origin like https://shop.example (no path)' });
      return z.NEVER;
    }
    return url.origin;
  });

export const timeZoneInput = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'unknown IANA time zone')
  .transform((tz) => new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone);

const fields = {
  name: z.string().trim().min(1).max(100),
  allowedOrigins: z
    .array(originInput)
    .max(50)
    .transform((list) => [...new Set(list)]),
  timezone: timeZoneInput,
  respectPrivacySignals: z.boolean(),
};

/** Body of `POST /api/sites`. */
export const siteCreateInput = z.strictObject({
  name: fields.name,
  allowedOrigins: fields.allowedOrigins.default([]),
  timezone: fields.timezone.default('UTC'),
  respectPrivacySignals: fields.respectPrivacySignals.default(true),
});

/** Body of `PATCH /api/sites/:siteId`: any subset of the fields. */
export const siteUpdateInput = z.strictObject({
  name: fields.name.optional(),
  allowedOrigins: fields.allowedOrigins.optional(),
  timezone: fields.timezone.optional(),
  respectPrivacySignals: fields.respectPrivacySignals.optional(),
});
