import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/jwt.js';
import { bearerTokenFrom } from '../auth/jwt.js';
import type { GatewayContext } from '../context.js';
import { isDatabaseUnavailable, isGatewayError, type ErrorReason } from '../errors/index.js';
import { createLoaders } from '../loaders.js';
import type { Services } from '../services.js';
import { GRAPHIQL_ASSET_BASE, GRAPHIQL_CONTENT_SECURITY_POLICY, readGraphiqlAsset, renderGraphiqlPage, wantsGraphiql } from './graphiql.js';
import { isIntrospectionOnly, MAX_BODY_BYTES, type GraphqlBody } from './graphql-request.js';
import { acceptsJsonAnswer } from './accept.js';
import type { RequestObserver } from '../observability/http-observer.js';
import type { MetricsHandler } from '../observability/metrics-endpoint.js';
import { correlationIdFrom, requestScope, traceIdFrom, type RequestScope } from './request-scope.js';
import { sendErrorEnvelope, sendJson } from './respond.js';

export interface HttpDeps {
  apollo: ApolloServer<GatewayContext>;
  services: Services;
  verifyToken: TokenVerifier;
  logger: Logger;
  isReady: () => Promise<boolean>;
  /** False until migrations and bootstrap have run: before that every table may be missing. */
  databasePrepared?: () => boolean;
  /**
   * A GraphQL request still running after this long is answered service_unavailable and
   * `onDeadline` runs: on a network that swallows packets a query waits forever (timeouts inside
   * the database never start, since the query never arrives).
   */
  requestDeadlineMs?: number;
  onDeadline?: () => void;
  graphiql: boolean;
  schemaSdl: string | null;
  /** Times the request and opens its server span (src/observability); may replace scope.traceId with the span's. */
  observeRequest?: RequestObserver;
  /** GET /metrics on this port; null when metrics have their own listener or are off. */
  serveMetrics?: MetricsHandler | null;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headerMapOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Authenticates the request: an actor, null for anonymous introspection, or a written 401/503. */
async function authenticate(deps: HttpDeps, req: IncomingMessage, res: ServerResponse, body: GraphqlBody | null, scope: RequestScope) {
  const fail = (reason: ErrorReason, message: string) => {
    sendErrorEnvelope(res, reason, message, scope);
    return undefined;
  };
  let token: string | null;
  try {
    token = bearerTokenFrom(req.headers.authorization);
  } catch {
    return fail('invalid_token', 'The Authorization header must be "Bearer <token>"');
  }
  if (token === null) {
    if (body !== null && isIntrospectionOnly(body)) return null;
    return fail('missing_token', 'A bearer token is required');
  }
  let identity;
  try {
    identity = await deps.verifyToken(token);
  } catch (error) {
    const reason = isGatewayError(error) ? (error.extensions.reason as ErrorReason) : 'invalid_token';
    deps.logger.info({ reason }, 'authentication failed');
    return fail(reason, isGatewayError(error) ? error.message : 'The bearer token is not valid');
  }
  // A database that came back but is not migrated yet answers "relation does not exist": still unavailable.
  if (deps.databasePrepared?.() === false) return fail('dependency_unavailable', 'The service is temporarily unavailable; retry later');
  try {
    const userId = await deps.services.provisioner.provision(identity);
    scope.actorUserId = userId;
    return { userId, subject: identity.subject };
  } catch (error) {
    deps.logger.error({ err: error }, 'user provisioning failed');
    return isDatabaseUnavailable(error)
      ? fail('dependency_unavailable', 'The service is temporarily unavailable; retry later')
      : fail('internal_error', 'Internal server error');
  }
}

/**
 * graphql-armor's token limit throws from a parsing hook, which Apollo answers with HTTP 500 as if
 * the server had failed: a response whose errors are all the client's (invalid_request) says 400.
 */
function statusOf(status: number, body: string): number {
  if (status < 500) return status;
  try {
    const errors: unknown = JSON.parse(body).errors;
    const clientsFault = Array.isArray(errors) && errors.length > 0 && errors.every((e) => e?.extensions?.code === 'invalid_request');
    return clientsFault ? 400 : status;
  } catch {
    return status;
  }
}

async function handleGraphql(deps: HttpDeps, req: IncomingMessage, res: ServerResponse, url: URL, scope: RequestScope): Promise<void> {
  let rawBody = '';
  let body: GraphqlBody | null = null;
  if (req.method === 'POST') {
    try {
      rawBody = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) return sendErrorEnvelope(res, 'query_too_complex', `The request body exceeds ${MAX_BODY_BYTES} bytes`, scope, 413);
      throw error;
    }
    try {
      body = rawBody === '' ? {} : (JSON.parse(rawBody) as GraphqlBody);
    } catch {
      body = null;
    }
  } else {
    body = { query: url.searchParams.get('query') ?? undefined, operationName: url.searchParams.get('operationName') ?? undefined };
  }
  const actor = await authenticate(deps, req, res, body, scope);
  if (actor === undefined) return;
  if (!acceptsJsonAnswer(headerValue(req.headers.accept))) {
    return sendErrorEnvelope(res, 'graphql_parse_failed', 'The Accept header must admit application/json or application/graphql-response+json', scope, 406);
  }
  if (req.method === 'POST' && (body === null || typeof body !== 'object' || Array.isArray(body))) {
    return sendErrorEnvelope(res, 'graphql_parse_failed', 'The request body must be a JSON object', scope);
  }
  const context: GatewayContext = {
    correlationId: scope.correlationId,
    traceId: scope.traceId,
    log: deps.logger,
    actor,
    services: deps.services,
    loaders: createLoaders(deps.services.database.db, actor?.userId ?? null),
    authz: null,
    scope: null,
  };
  const response = await deps.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers: headerMapOf(req), search: url.search, body },
    context: async () => context,
  });
  const headers: Record<string, string> = {};
  for (const [key, value] of response.headers) headers[key] = value;
  if (response.body.kind === 'complete') {
    res.writeHead(statusOf(response.status ?? 200, response.body.string), headers);
    res.end(response.body.string);
    return;
  }
  res.writeHead(response.status ?? 200, headers);
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/** Runs `handle`, answering for it when it outlives the deadline; its late writes are dropped. */
async function withDeadline(deps: HttpDeps, res: ServerResponse, scope: RequestScope, handle: () => Promise<void>): Promise<void> {
  const deadlineMs = deps.requestDeadlineMs;
  if (deadlineMs === undefined) return handle();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), deadlineMs);
  });
  // Once answered for, the abandoned handler's writes throw (headers sent): nothing left to tell.
  const work = handle().then(
    () => 'done' as const,
    (error: unknown) => {
      if (res.headersSent) return 'done' as const;
      throw error;
    },
  );
  try {
    if ((await Promise.race([work, expired])) === 'expired' && !res.headersSent) {
      deps.logger.error({ deadline_ms: deadlineMs }, 'request outlived its deadline; replacing database connections');
      deps.onDeadline?.();
      sendErrorEnvelope(res, 'dependency_unavailable', 'The service is temporarily unavailable; retry later', scope);
    }
  } finally {
    clearTimeout(timer);
  }
}

async function route(deps: HttpDeps, req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://gateway.invalid');
  const path = url.pathname;
  if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
  if (path === '/metrics' && deps.serveMetrics) return deps.serveMetrics(req, res);
  if (path === '/readyz') {
    const ready = await deps.isReady();
    return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable' });
  }
  if (path === '/graphql' && deps.graphiql && wantsGraphiql(req.method ?? 'GET', req.headers.accept)) {
    const html = renderGraphiqlPage({ endpoint: '/graphql', assetBase: GRAPHIQL_ASSET_BASE });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': GRAPHIQL_CONTENT_SECURITY_POLICY });
    res.end(html);
    return;
  }
  if (path.startsWith(`${GRAPHIQL_ASSET_BASE}/`) && deps.graphiql) {
    const asset = readGraphiqlAsset(path.slice(GRAPHIQL_ASSET_BASE.length + 1));
    if (asset === null) return sendJson(res, 404, { error: 'not found' });
    res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': 'public, max-age=3600' });
    res.end(asset.body);
    return;
  }
  if (path === '/schema.graphql' && deps.schemaSdl !== null) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(deps.schemaSdl);
    return;
  }
  if (path === '/graphql' && (req.method === 'POST' || req.method === 'GET')) {
    return withDeadline(deps, res, scope, () => handleGraphql(deps, req, res, url, scope));
  }
  return sendJson(res, 404, { error: 'not found' });
}

export function createHttpServer(deps: HttpDeps): Server {
  return createServer((req, res) => {
    const scope: RequestScope = {
      correlationId: correlationIdFrom(headerValue(req.headers['x-correlation-id'])),
      traceId: traceIdFrom(headerValue(req.headers.traceparent)),
      actorUserId: null,
      operationName: null,
    };
    const observed = deps.observeRequest?.(req, scope);
    res.setHeader('x-correlation-id', scope.correlationId);
    const started = process.hrtime.bigint();
    requestScope.run(scope, () => {
      route(deps, req, res, scope)
        .catch((error: unknown) => {
          deps.logger.error({ err: error }, 'request failed');
          if (!res.headersSent) {
            const reason: ErrorReason = isDatabaseUnavailable(error) ? 'dependency_unavailable' : 'internal_error';
            sendErrorEnvelope(res, reason, reason === 'internal_error' ? 'Internal server error' : 'The service is temporarily unavailable; retry later', scope);
          } else res.end();
        })
        .finally(() => {
          if (req.url?.startsWith('/graphql') && req.method === 'POST') {
            deps.logger.info({ status: res.statusCode, duration_ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'request completed');
          }
          observed?.end(res.statusCode);
        });
    });
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
