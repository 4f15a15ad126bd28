import { randomBytes } from 'node:crypto';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/app.js';
import { mintDevToken } from '../../src/auth/dev-token.js';
import { loadConfig } from '../../src/config.js';
import { createScratchDatabase, REAL_DB } from './database.js';

export const TEST_SECRET = 'integration-test-secret-0123456789abcdef';
export const ROOT_ADMIN = 'root-admin';

export interface GqlResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: GqlError[] };
}

export interface GqlError {
  message: string;
  path?: string[];
  extensions: Record<string, any> & { code: string; reason: string; correlation_id: string; trace_id: string; retryable: boolean };
}

export interface GqlOptions {
  /** Subject to mint a token for; a token string with `token`; neither for anonymous. */
  as?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  /** Every pino line the gateway wrote, parsed. */
  logs: Record<string, any>[];
  databaseUrl: string | null;
  token(sub: string, claims?: { email?: string; name?: string }): Promise<string>;
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: GqlOptions): Promise<GqlResponse<T>>;
  /** The user id of a subject, provisioned just in time on first use. */
  userId(sub: string): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a database (two gateway instances on one database); otherwise a fresh one is made. */
  databaseUrl?: string;
  /** Trace into this provider (an in-memory exporter), see test/integration/observability/tracing.test.ts. */
  tracerProvider?: GatewayOptions['tracerProvider'];
}

/** A unique prefix, so each test works on its own subjects, tenants and slugs. */
export function uid(prefix = 't'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/**
 * Starts a real gateway over HTTP on a fresh database: an in-memory PGlite, or (DATABASE_URL set)
 * a scratch database on the real server, dropped on close.
 */
/** The configuration every test gateway starts from: test secret, any port, root admin, in-memory PGlite unless a URL is given. */
export function testConfig(databaseUrl: string, env: Record<string, string> = {}) {
  return loadConfig({
    IAM_JWT_SECRET: TEST_SECRET,
    PORT: '0',
    IAM_DATA_DIR: 'memory://',
    IAM_BOOTSTRAP_PLATFORM_ADMINS: ROOT_ADMIN,
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    ...env,
  });
}

export async function startTestGateway(options: StartOptions = {}): Promise<TestGateway> {
  const scratch = REAL_DB && options.databaseUrl === undefined ? await createScratchDatabase() : null;
  const databaseUrl = options.databaseUrl ?? scratch?.url ?? null;
  const logs: Record<string, any>[] = [];
  const config = testConfig(databaseUrl ?? '', options.env);
  const gateway = await startGateway(config, {
    migrateRetryMs: 200,
    tracerProvider: options.tracerProvider,
    logDestination: {
      write(line: string) {
        logs.push(JSON.parse(line));
      },
    },
  });
  await gateway.ready;
  const tokens = new Map<string, string>();
  const ids = new Map<string, string>();
  const token = async (sub: string, claims: { email?: string; name?: string } = {}) => {
    const key = `${sub}|${claims.email ?? ''}|${claims.name ?? ''}`;
    if (!tokens.has(key)) tokens.set(key, await mintDevToken(config.jwtSecret!, { sub, ...claims }));
    return tokens.get(key)!;
  };
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, opts: GqlOptions = {}): Promise<GqlResponse<T>> => {
    const bearer = opts.token ?? (opts.as !== undefined ? await token(opts.as) : undefined);
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(bearer !== undefined ? { authorization: `Bearer ${bearer}` } : {}),
        ...opts.headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: GqlResponse<T>['body'];
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`non-JSON response ${response.status}: ${text.slice(0, 300)}`);
    }
    return { status: response.status, headers: response.headers, body };
  };
  const userId = async (sub: string) => {
    if (!ids.has(sub)) {
      const res = await gql<{ me: { id: string } }>('{ me { id } }', {}, { as: sub });
      if (!res.body.data) throw new Error(`me failed for ${sub}: ${JSON.stringify(res.body.errors)}`);
      ids.set(sub, res.body.data.me.id);
    }
    return ids.get(sub)!;
  };
  return {
    gateway,
    url: gateway.url,
    logs,
    databaseUrl,
    token,
    gql,
    userId,
    close: async () => {
      await gateway.close();
      await scratch?.drop();
    },
  };
}
