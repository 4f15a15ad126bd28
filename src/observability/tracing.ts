import { AsyncLocalStorage } from 'node:async_hooks';
import {
  createTraceState,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { codeOfReason, reasonFor } from '../errors/index.js';
import { currentRequestScope, type RequestScope } from '../http/request-scope.js';

/**
 * Spans of one request. Kept beside the request scope (not in OpenTelemetry's global context) so that
 * several gateways in one process each trace with their own provider, and so that nothing depends on
 * a global context manager being registered.
 */
interface RequestTrace {
  tracer: Tracer;
  request: Context;
  /** The GraphQL operation's span, parent of the transaction and decision spans; null outside it. */
  operation: { context: Context; span: Span } | null;
}

const traces = new WeakMap<RequestScope, RequestTrace>();
// The innermost span opened by traced(): nested spans (decision inside transaction) hang below it.
const activeSpan = new AsyncLocalStorage<Context>();

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The caller's span from a W3C traceparent (same acceptance rules as request-scope's traceIdFrom). */
export function remoteParent(traceparent: string | undefined, tracestate: string | undefined): Context {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent.trim());
  if (match === null || match[1] === 'ff') return ROOT_CONTEXT;
  const spanContext = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: Number.parseInt(match[4]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(tracestate === undefined ? {} : { traceState: createTraceState(tracestate) }),
  };
  return isSpanContextValid(spanContext) ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : ROOT_CONTEXT;
}

export interface RequestSpan {
  end(status: number): void;
}

/**
 * Opens the server span of a request as a child of the caller's traceparent, and makes the request's
 * trace_id (errors, logs, audit rows) the span's trace id, so that all of them name one trace.
 */
export function startRequestSpan(
  tracer: Tracer,
  scope: RequestScope,
  request: { method: string; route: string; traceparent?: string; tracestate?: string },
): RequestSpan {
  const parent = remoteParent(request.traceparent, request.tracestate);
  const span = tracer.startSpan(
    `${request.method} ${request.route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': request.route, 'iam.correlation_id': scope.correlationId },
    },
    parent,
  );
  if (isSpanContextValid(span.spanContext())) scope.traceId = span.spanContext().traceId;
  const state: RequestTrace = { tracer, request: trace.setSpan(parent, span), operation: null };
  traces.set(scope, state);
  return {
    end(status) {
      // An operation span left open (a request that failed between plugin hooks) must still end.
      state.operation?.span.end();
      state.operation = null;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}

function currentTrace(): RequestTrace | undefined {
  const scope = currentRequestScope();
  return scope === undefined ? undefined : traces.get(scope);
}

function parentContext(state: RequestTrace): Context {
  return activeSpan.getStore() ?? state.operation?.context ?? state.request;
}

/** Opens the span of the request's GraphQL operation; a no-op when the request is not traced. */
export function startOperationSpan(): Span | null {
  const state = currentTrace();
  if (state === undefined) return null;
  const span = state.tracer.startSpan('graphql.operation', { kind: SpanKind.INTERNAL }, state.request);
  state.operation = { context: trace.setSpan(state.request, span), span };
  return span;
}

export function endOperationSpan(span: Span): void {
  const state = currentTrace();
  if (state?.operation?.span === span) state.operation = null;
  span.end();
}

/**
 * Marks a span with the contract reason of an error. Only failures of the gateway itself
 * (internal_error, service_unavailable) set the error status: a denial or a conflict is an expected
 * answer, and marking it would drown real failures in trace views.
 */
export function recordFailure(span: Span, error: unknown): void {
  const reason = reasonFor(error);
  const code = codeOfReason(reason);
  span.setAttributes({ 'iam.error.code': code, 'iam.error.reason': reason });
  if (code === 'internal_error' || code === 'service_unavailable') span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
}

/** Runs fn inside a child span of the current one when the request is traced; otherwise just runs it. */
export async function traced<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  const state = currentTrace();
  if (state === undefined) return fn();
  const parent = parentContext(state);
  const span = state.tracer.startSpan(name, { attributes }, parent);
  try {
    return await activeSpan.run(trace.setSpan(parent, span), fn);
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Records an already finished step (the policy decision) as a span under the current one. */
export function recordSpan(name: string, attributes: Attributes, startTimeMs: number): void {
  const state = currentTrace();
  if (state === undefined) return;
  state.tracer.startSpan(name, { attributes, startTime: startTimeMs }, parentContext(state)).end();
}
