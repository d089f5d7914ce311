import type { InviteAction } from '@floorwalker/protocol';

/**
 * The invitation text for a visitor's language (`de-AT`): the exact variant, else the variant of
 * its primary language (`de`), else any variant of the same primary language (`de-CH`), else the
 * default. Tags compare case-insensitively.
 */
export function pickInvitationMessage(message: InviteAction['message'], language: string): string {
  const variants = Object.entries(message.byLanguage ?? {}).map(
    ([tag, text]) => [tag.toLowerCase(), text] as const,
  );
  const wanted = language.trim().toLowerCase();
  if (wanted === '' || variants.length === 0) return message.default;
  const primary = wanted.split('-')[0] ?? wanted;
  return (
    variants.find(([tag]) => tag === wanted)?.[1] ??
    variants.find(([tag]) => tag === primary)?.[1] ??
    variants.find(([tag]) => tag.split('-')[0] === primary)?.[1] ??
    message.default
  );
}
