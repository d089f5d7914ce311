export {
  attachVisitorSocket,
  VISITOR_NAMESPACE,
  type VisitorSocketLogger,
  type VisitorSocketOptions,
  type VisitorSocketServer,
} from './attach-visitor-socket.ts';
export type { SiteLookup } from './authenticate-visitor.ts';
export type { MessageBudgetOptions } from './message-budget.ts';
export { SIGNAL_FIELD } from './signal-writer.ts';
export {
  type VisitorSocketErrorCode,
  type VisitorSocketErrorData,
  visitorSocketErrors,
} from './socket-errors.ts';
