export * from './trigger-changes.ts';
export * from './trigger-decisions.ts';
export * from './triggers-repository.ts';
