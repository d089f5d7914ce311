export * from './events.ts';
export * from './errors.ts';
