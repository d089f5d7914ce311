import { pino } from 'pino';

type LogMethod = (context: object, message?: string) => void;

/** What the engine logs with; a pino logger fits, tests pass a silent one. */
export interface EngineLogger {
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
}

/** The production logger: JSON lines on stdout at the configured level. */
export function createLogger(level: string): EngineLogger {
  return pino({ name: 'engine', level });
}

/** A logger that drops everything. */
export const silentLogger: EngineLogger = { error() {}, warn() {}, info() {}, debug() {} };
