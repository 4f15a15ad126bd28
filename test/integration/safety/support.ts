// Shared tools of the safety suite: raw HTTP with a deadline, contract-envelope checks, a TCP proxy
// that stands between a gateway and PostgreSQL (to cut or refuse connections), and SQL snapshots.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { expect } from 'vitest';
import { startGateway, type Gateway } from '../../../src/app.js';
import { mintDevToken } from '../../../src/auth/dev-token.js';
import type { Database } from '../../../src/db/client.js';
import { REASONS_BY_CODE, type ErrorCode } from '../../../src/errors/codes.js';
import { TEST_SECRET, testConfig, type TestGateway } from '../../support/gateway.js';

/** Longer than any bounded wait inside the gateway (lock/statement timeouts, connect timeout); a request still running then hangs. */
export const REQUEST_DEADLINE_MS = 20_000;

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
  /** The deadline fired: the gateway left the request hanging. */
  aborted: boolean;
}

/** A fetch that never waits past REQUEST_DEADLINE_MS and reports, rather than throws, when it had to give up. */
export async function rawRequest(url: string, init: RequestInit = {}): Promise<RawResponse> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_DEADLINE_MS) });
    const text = await response.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, headers: response.headers, text, json, aborted: false };
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return { status: 0, headers: new Headers(), text: '', json: null, aborted: true };
    }
    throw error;
  }
}

/** POSTs a GraphQL request as `as` (a subject), with a fresh correlation id unless one is given. */
export async function graphql(
  baseUrl: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<RawResponse & { correlationId: string }> {
  const correlationId = headers['x-correlation-id'] ?? `safety-${randomUUID()}`;
  const response = await rawRequest(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-correlation-id': correlationId,
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return { ...response, correlationId };
}

const INTERNALS = [
  /\bat\s+\S+\s+\(?[^\s)]*\.(?:ts|js|mjs|cjs):\d+/, // stack frame
  /stacktrace/i,
  /node_modules/,
  /\b(select|insert|update|delete)\b[\s\S]{0,200}\b(from|into|set|where)\b/i,
  /\bsyntax error at or near\b/i,
  /\brelation "[^"]*"/i,
  /\bduplicate key value\b/i,
  /\bviolates\b.*\bconstraint\b/i,
  /\bpostgres(ql)?\b|\bpglite\b|\bdrizzle\b/i,
  /ECONNREFUSED|ECONNRESET|CONNECTION_CLOSED|CONNECT_TIMEOUT/,
  /\bSQLSTATE\b|\b22P02\b|\b23505\b|\b57014\b|\b55P03\b|\b57P01\b/,
  /invalid input syntax/i,
  /canceling statement/i,
  /\block timeout\b/i,
];

/** Internal details a client must never see: stack frames, SQL, driver or database messages. */
export function leakedInternals(text: string): string[] {
  return INTERNALS.filter((pattern) => pattern.test(text)).map((pattern) => pattern.source);
}

/**
 * Checks the contract envelope of every error in a response: a canonical code with one of its
 * reasons, retryable as the code says, the response's correlation id; and nothing internal leaks.
 * Returns the errors' extensions.
 */
export function expectContractErrors(response: RawResponse): Record<string, any>[] {
  expect(leakedInternals(response.text), response.text.slice(0, 500)).toEqual([]);
  const correlationId = response.headers.get('x-correlation-id');
  expect(correlationId, 'x-correlation-id header').toMatch(/^[A-Za-z0-9._-]{1,64}$/);
  const errors: any[] = Array.isArray(response.json?.errors) ? response.json.errors : [];
  if (response.status !== 200) expect(errors.length, `HTTP ${response.status} without errors: ${response.text.slice(0, 300)}`).toBeGreaterThan(0);
  for (const error of errors) {
    const extensions = error?.extensions ?? {};
    const code = extensions.code as ErrorCode;
    expect(Object.keys(REASONS_BY_CODE), JSON.stringify(error)).toContain(code);
    expect(REASONS_BY_CODE[code] as readonly string[], JSON.stringify(error)).toContain(extensions.reason);
    expect(extensions.retryable, JSON.stringify(error)).toBe(code === 'service_unavailable');
    expect(extensions.correlation_id, JSON.stringify(error)).toBe(correlationId);
    expect(extensions.trace_id, JSON.stringify(error)).toMatch(/^[0-9a-f]{32}$/);
    expect(typeof error.message).toBe('string');
  }
  return errors.map((e) => e.extensions);
}

/** The single refusal of a response: its code/reason after the envelope checks. */
export function refusalOf(response: RawResponse): { code: string; reason: string } & Record<string, any> {
  const errors = expectContractErrors(response);
  expect(errors.length, response.text.slice(0, 500)).toBe(1);
  return errors[0] as { code: string; reason: string };
}

/** Waits (bounded) until `check` holds; a setup helper, not an assertion on timing. */
export async function waitUntil(what: string, check: () => Promise<boolean>, deadlineMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}

/** A direct connection to a test database on the real server (outside any gateway). */
export function serverSql(url: string) {
  return postgres(url, { max: 2, onnotice: () => {}, connect_timeout: 5 });
}

/** A free TCP port on 127.0.0.1, not listened on when returned. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A TCP proxy on 127.0.0.1:port to the database server. Closed, the port refuses connections
 * (the database "is down"); dropConnections() cuts every live connection at once (a crash or a
 * network failure mid-query) and keeps accepting new ones.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private stalled = false;

  constructor(readonly port: number, private readonly target: { host: string; port: number }) {}

  static async to(databaseUrl: string): Promise<TcpProxy> {
    const parsed = new URL(databaseUrl);
    return new TcpProxy(await freePort(), { host: parsed.hostname, port: Number(parsed.port || 5432) });
  }

  get isOpen(): boolean {
    return this.server !== null;
  }

  async open(): Promise<void> {
    if (this.server !== null) return;
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        // Without it Nagle's algorithm meets delayed ACKs and every round trip costs ~40 ms.
        socket.setNoDelay(true);
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      // Forwarded by hand rather than piped, so that stall() can swallow traffic like a dead network.
      client.on('data', (chunk: Buffer) => void (this.stalled || upstream.write(chunk)));
      upstream.on('data', (chunk: Buffer) => void (this.stalled || client.write(chunk)));
      client.on('end', () => upstream.end());
      upstream.on('end', () => client.end());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** From now on, bytes in either direction vanish and nobody is told: a network partition. */
  stall(): void {
    this.stalled = true;
  }

  /** Traffic flows again; connections that lost bytes meanwhile are cut, as after a real partition. */
  heal(): void {
    this.stalled = false;
    this.dropConnections();
  }

  dropConnections(): number {
    const count = this.sockets.size;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    return count;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.dropConnections();
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface LooseGateway {
  gateway: Gateway;
  url: string;
  logs: Record<string, any>[];
  token(sub: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts a gateway without waiting for its database (startTestGateway waits for readiness): the
 * startup-fault tests need the process up while the database is still unreachable.
 */
export async function startLooseGateway(databaseUrl: string, env: Record<string, string> = {}): Promise<LooseGateway> {
  const logs: Record<string, any>[] = [];
  const config = testConfig(databaseUrl, env);
  const gateway = await startGateway(config, {
    migrateRetryMs: 200,
    logDestination: { write: (line: string) => void logs.push(JSON.parse(line)) },
  });
  return {
    gateway,
    url: gateway.url,
    logs,
    token: (sub) => mintDevToken(TEST_SECRET, { sub }),
    close: () => gateway.close(),
  };
}

/** Every application table: a refused request must leave each exactly as it was. */
export const APP_TABLES = [
  'users',
  'tenants',
  'projects',
  'tenant_memberships',
  'project_memberships',
  'platform_role_bindings',
  'iam_settings',
  'audit_logs',
  'audit_chain_heads',
] as const;

async function rowsOf(database: Database, query: ReturnType<typeof sql>): Promise<Record<string, unknown>[]> {
  const result = (await database.db.execute(query)) as unknown;
  return Array.isArray(result) ? (result as Record<string, unknown>[]) : ((result as { rows: Record<string, unknown>[] }).rows ?? []);
}

/**
 * Row count and a digest of the full content of every table, through the gateway's own database
 * handle (so it works on embedded PGlite too). Any insert, update or delete changes it.
 */
export async function databaseFingerprint(database: Database): Promise<Record<string, string>> {
  const parts = APP_TABLES.map((table) => `select '${table}' as t, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as v from ${table} x`);
  const rows = await rowsOf(database, sql.raw(parts.join(' union all ')));
  return Object.fromEntries(rows.map((r) => [String(r.t), String(r.v)]));
}

/** Sends the same request through whichever instance `pick` names: two instances share one database. */
export type Pick = (index: number) => TestGateway;
