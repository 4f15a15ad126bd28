import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import {
  codeOfReason,
  isErrorCode,
  isErrorReason,
  RETRYABLE_CODES,
  type ErrorCode,
  type ErrorReason,
} from './codes.js';

export * from './codes.js';

/** Extra, reason-specific fields (ceiling, requested_role, scope, item_index, path). */
export type ErrorDetails = Record<string, unknown>;

/** The one way the gateway raises a contract error. */
export function gatewayError(reason: ErrorReason, message: string, details: ErrorDetails = {}): GraphQLError {
  const code = codeOfReason(reason);
  return new GraphQLError(message, {
    extensions: { code, reason, retryable: RETRYABLE_CODES.has(code), ...details },
  });
}

export function isGatewayError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && isErrorReason(error.extensions?.reason) && isErrorCode(error.extensions?.code);
}

const GENERIC_MESSAGES: Record<ErrorCode, string> = {
  unauthenticated: 'Authentication required',
  insufficient_permissions: 'Not permitted',
  invalid_request: 'Invalid request',
  not_found: 'Not found',
  conflict: 'Conflict',
  service_unavailable: 'The service is temporarily unavailable; retry later',
  internal_error: 'Internal server error',
};

// SQLSTATE classes and driver codes that mean "the database is not there right now".
const UNAVAILABLE_SQLSTATES = new Set([
  '08000', '08001', '08003', '08004', '08006', '08007', // connection exceptions
  '57P01', '57P02', '57P03', // admin/crash shutdown, cannot connect now
  '3D000', '28000', '28P01', // the database does not exist (yet) or refuses our role: cannot connect
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '25P03', // idle_in_transaction_session_timeout
  '40001', '40P01', // serialization failure / deadlock that escaped the bounded retry
  '53300', // too_many_connections
]);
const UNAVAILABLE_DRIVER_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
]);

/** Walks cause chains (drizzle wraps driver errors) looking for a code. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== null && current !== undefined && chain.length < 8) {
    chain.push(current);
    current = typeof current === 'object' ? (current as { cause?: unknown; originalError?: unknown }).cause ?? (current as { originalError?: unknown }).originalError : undefined;
  }
  return chain;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some((e) => {
    if (typeof e !== 'object' || e === null) return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_DRIVER_CODES.has(code))) return true;
    // The server ends the session with FATAL whatever the SQLSTATE (database not accepting
    // connections 55000, dropped 3D000, credentials rejected 28P01): no statement can run.
    if ((e as { severity?: unknown }).severity === 'FATAL') return true;
    const message = (e as { message?: unknown }).message;
    // PGlite reports a closed instance only by message.
    return typeof message === 'string' && /PGlite is closed|database system is (shutting down|starting up)/i.test(message);
  });
}

export function sqlStateOf(error: unknown): string | null {
  for (const e of causes(error)) {
    const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

const APOLLO_CODE_TO_REASON: Record<string, ErrorReason> = {
  GRAPHQL_PARSE_FAILED: 'graphql_parse_failed',
  GRAPHQL_VALIDATION_FAILED: 'graphql_validation_failed',
  BAD_USER_INPUT: 'validation_failed',
  BAD_REQUEST: 'graphql_parse_failed',
  OPERATION_RESOLUTION_FAILURE: 'graphql_validation_failed',
  PERSISTED_QUERY_NOT_FOUND: 'graphql_validation_failed',
  PERSISTED_QUERY_NOT_SUPPORTED: 'graphql_validation_failed',
};

// graphql-js aborts validation ("Validation aborted.") when a document costs it too much work
// (repeated fields compared pairwise, or over 100 errors): that, too, is a document too complex.
const LIMIT_MESSAGE = /(limit of \d+ exceeded|Token limit|too (many|deep|complex)|Validation aborted\.)/i;

/** Which contract reason an error leaving the gateway stands for. Never throws. */
export function reasonFor(error: unknown): ErrorReason {
  try {
    const original = error instanceof GraphQLError ? error.originalError ?? null : null;
    const extensions = error instanceof GraphQLError ? error.extensions : undefined;
    if (isErrorReason(extensions?.reason)) return extensions.reason;
    if (original !== null && isGatewayError(original)) return original.extensions.reason as ErrorReason;
    if (isDatabaseUnavailable(error)) return 'dependency_unavailable';
    const message = error instanceof Error ? error.message : '';
    if (error instanceof GraphQLError && LIMIT_MESSAGE.test(message)) return 'query_too_complex';
    // graphql-armor's token counter parses the document first and rethrows its syntax error as
    // GRAPHQL_VALIDATION_FAILED; graphql-js prefixes every parse error with "Syntax Error:".
    if (error instanceof GraphQLError && message.startsWith('Syntax Error:')) return 'graphql_parse_failed';
    const apolloCode = typeof extensions?.code === 'string' ? extensions.code : undefined;
    if (apolloCode !== undefined && apolloCode in APOLLO_CODE_TO_REASON) return APOLLO_CODE_TO_REASON[apolloCode]!;
    // graphql-js execution errors raised before resolvers run (variable coercion) carry no originalError.
    if (error instanceof GraphQLError && original === null && /^Variable "\$|^Argument "|Expected type|got invalid value/.test(message)) {
      return 'validation_failed';
    }
    return 'internal_error';
  } catch {
    return 'internal_error';
  }
}

export interface RequestIds {
  correlationId: string;
  traceId: string;
}

/**
 * Turns any error into the contract's envelope. Contract errors keep their message and details;
 * GraphQL machinery errors keep their (client-facing) message; everything else is masked.
 * Written so that it cannot throw.
 */
export function formatGatewayError(
  formatted: GraphQLFormattedError,
  error: unknown,
  ids: RequestIds | undefined,
): GraphQLFormattedError {
  try {
    const reason = reasonFor(error);
    const code = codeOfReason(reason);
    const source = error instanceof GraphQLError && isGatewayError(error.originalError) ? error.originalError : error;
    const ownExtensions = source instanceof GraphQLError && isGatewayError(source) ? source.extensions : {};
    const exposeMessage = code !== 'internal_error' && code !== 'service_unavailable';
    const message = exposeMessage || reason === 'mutations_frozen' ? formatted.message : GENERIC_MESSAGES[code];
    const { stacktrace: _drop, ...rest } = (ownExtensions ?? {}) as Record<string, unknown>;
    return {
      message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: {
        ...rest,
        code,
        reason,
        retryable: RETRYABLE_CODES.has(code),
        correlation_id: ids?.correlationId ?? null,
        trace_id: ids?.traceId ?? null,
      },
    };
  } catch {
    return {
      message: GENERIC_MESSAGES.internal_error,
      extensions: { code: 'internal_error', reason: 'internal_error', retryable: false, correlation_id: ids?.correlationId ?? null, trace_id: ids?.traceId ?? null },
    };
  }
}
