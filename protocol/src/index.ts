export * from './errors.ts';
export * from './events.ts';
export * from './invitations.ts';
export * from './sockets.ts';
export * from './stream-entry.ts';
export * from './triggers.ts';
export * from './visitor-state.ts';
