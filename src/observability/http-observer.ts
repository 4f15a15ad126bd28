import type { IncomingMessage } from 'node:http';
import type { Tracer } from '@opentelemetry/api';
import type { RequestScope } from '../http/request-scope.js';
import { GRAPHIQL_ASSET_BASE } from '../http/graphiql.js';
import type { GatewayMetrics } from './metrics.js';
import { startRequestSpan, type RequestSpan } from './tracing.js';

const ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics', '/schema.graphql']);
// Probes and scrapes arrive every few seconds and say nothing about IAM work: no spans for them.
const UNTRACED_ROUTES = new Set(['/healthz', '/readyz', '/metrics', GRAPHIQL_ASSET_BASE, 'other']);

/** The route label: one of a fixed set, so an unknown path cannot mint a new series. */
export function routeOf(url: string | undefined): string {
  const path = new URL(url ?? '/', 'http://gateway.invalid').pathname;
  if (ROUTES.has(path)) return path;
  if (path.startsWith(`${GRAPHIQL_ASSET_BASE}/`)) return GRAPHIQL_ASSET_BASE;
  return 'other';
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export type RequestObserver = (req: IncomingMessage, scope: RequestScope) => { end(status: number): void };

/** Times each request by route and status and, when tracing is on, wraps it in a server span. */
export function requestObserver(metrics: GatewayMetrics, tracer: Tracer | null): RequestObserver {
  return (req, scope) => {
    const started = performance.now();
    const route = routeOf(req.url);
    const method = req.method ?? 'GET';
    const span: RequestSpan | null =
      tracer === null || UNTRACED_ROUTES.has(route)
        ? null
        : startRequestSpan(tracer, scope, { method, route, traceparent: header(req.headers.traceparent), tracestate: header(req.headers.tracestate) });
    return {
      end(status) {
        metrics.httpDuration.observe({ route, status: String(status) }, (performance.now() - started) / 1000);
        span?.end(status);
      },
    };
  };
}
