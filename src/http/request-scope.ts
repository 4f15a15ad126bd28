import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';

/** What every log line, error and audit row of one request carries. */
export interface RequestScope {
  correlationId: string;
  traceId: string;
  actorUserId: string | null;
  operationName: string | null;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

export function currentRequestScope(): RequestScope | undefined {
  return requestScope.getStore();
}

const CORRELATION_ID = /^[A-Za-z0-9._-]{1,64}$/;
// W3C trace-context: version-traceid-parentid-flags, lowercase hex.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function correlationIdFrom(header: string | undefined): string {
  return header !== undefined && CORRELATION_ID.test(header) ? header : randomUUID();
}

export function traceIdFrom(traceparent: string | undefined): string {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent.trim());
  if (match !== null) {
    const [, version, traceId, parentId] = match;
    const valid = version !== 'ff' && !/^0+$/.test(traceId!) && !/^0+$/.test(parentId!);
    if (valid) return traceId!;
  }
  return randomBytes(16).toString('hex');
}
