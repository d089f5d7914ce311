export * from './events.ts';
export * from './errors.ts';
export * from './visitor-state.ts';
export * from './sockets.ts';
export * from './stream-entry.ts';
export * from './invitations.ts';
export * from './triggers.ts';
