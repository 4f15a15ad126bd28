import pino, { type Logger } from 'pino';
import { currentRequestScope } from './http/request-scope.js';

// Tokens, secrets and connection strings never reach a log line, whatever object is logged.
const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'jwtSecret',
  '*.jwtSecret',
  'databaseUrl',
  '*.databaseUrl',
  'password',
  '*.password',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'iam-gateway' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      // Every line logged while serving a request carries that request's ids.
      mixin() {
        const scope = currentRequestScope();
        return scope === undefined
          ? {}
          : { correlation_id: scope.correlationId, trace_id: scope.traceId, actor_user_id: scope.actorUserId, operation: scope.operationName };
      },
    },
    destination,
  );
}

export type { Logger };
