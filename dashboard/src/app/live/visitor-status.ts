import type { VisitorStatus } from './live-types.ts';

/** Board states in display order, with their labels. */
export const STATUS_ORDER: readonly VisitorStatus[] = [
  'checkout',
  'chatting',
  'invited',
  'browsing',
  'idle',
  'left',
];

export const STATUS_LABELS: Record<VisitorStatus, string> = {
  browsing: 'Browsing',
  checkout: 'On checkout',
  idle: 'Idle',
  invited: 'Invited',
  chatting: 'Chatting',
  left: 'Left',
};
