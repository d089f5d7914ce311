/** What the realtime chunk's factory returns (the tracker's `load('realtime')` resolves with it). */
export interface RealtimeHandle {
  /** Disconnects and removes every trace from the page (opt-out). */
  stop(): void;
}
