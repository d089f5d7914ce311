import type { VisitorState } from '@floorwalker/protocol';

/** Why no trigger decides for a visitor right now, whatever its conditions say. */
export type VisitorHoldReason = 'left' | 'page_left' | 'chatting' | 'invited';

/** A hold, with a sentence for the marketer (Explain). */
export interface VisitorHold {
  reason: VisitorHoldReason;
  message: string;
}

const MESSAGES: Record<VisitorHoldReason, string> = {
  left: 'The visitor has left the site.',
  page_left:
    'The visitor left this page and the next one has not loaded yet: no trigger decides on a page that was left.',
  chatting: 'The visitor is in a chat: triggers wait until it ends.',
  invited: 'An invitation is up: nothing else is offered until it is answered or expires.',
};

/**
 * The engine's rule for when triggers are not evaluated at all (one place, so Explain says what
 * the engine does): a visitor who left, whose current page was left (between pages), who is
 * chatting, or who has an invitation up. Undefined when triggers are evaluated.
 */
export function visitorHold(state: VisitorState): VisitorHold | undefined {
  const reason: VisitorHoldReason | undefined =
    state.presence === 'left'
      ? 'left'
      : state.currentPage.leftAt !== undefined
        ? 'page_left'
        : state.status === 'chatting'
          ? 'chatting'
          : state.status === 'invited'
            ? 'invited'
            : undefined;
  return reason ? { reason, message: MESSAGES[reason] } : undefined;
}
