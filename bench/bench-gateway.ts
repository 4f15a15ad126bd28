import pino from 'pino';
import postgres from 'postgres';
import { startGateway, type Gateway } from '../src/app.js';
import { mintDevToken } from '../src/auth/dev-token.js';
import { loadConfig } from '../src/config.js';
import type { BenchOptions } from './options.js';
import { createBenchDatabase } from './scratch-database.js';

export const BENCH_SECRET = 'benchmark-secret-0123456789abcdef0123';
export const BENCH_ROOT = 'bench-root';

export interface BenchGateway {
  gateway: Gateway;
  url: string;
  databaseUrl: string;
  /** A direct connection to the scratch database, for loading data and reading state back. */
  sql: postgres.Sql;
  token(sub: string): Promise<string>;
  /** POSTs a document; throws on any GraphQL error (load phase and checks only). */
  gql<T = any>(query: string, variables: Record<string, unknown>, as: string): Promise<T>;
  /** The raw response body of a request, for statement counting. */
  post(body: string, as: string): Promise<string>;
  /** Resolves once no HTTP request is in flight: a load run that stopped may leave some finishing. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The real gateway (startGateway) on a scratch database of the real server, as production runs it. */
export async function startBenchGateway(options: BenchOptions): Promise<BenchGateway> {
  const scratch = await createBenchDatabase(options.serverUrl);
  let gateway: Gateway | null = null;
  let sql: postgres.Sql | null = null;
  try {
    const config = loadConfig({
      IAM_JWT_SECRET: BENCH_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      IAM_BOOTSTRAP_PLATFORM_ADMINS: BENCH_ROOT,
      LOG_LEVEL: options.logLevel,
      DATABASE_URL: scratch.url,
      NODE_ENV: 'production',
    });
    gateway = await startGateway(config, { logDestination: pino.destination({ dest: '/dev/null', sync: true }) });
    await gateway.ready;
    sql = postgres(scratch.url, { max: 4, onnotice: () => {} });
    const tokens = new Map<string, string>();
    const token = async (sub: string) => {
      if (!tokens.has(sub)) tokens.set(sub, await mintDevToken(BENCH_SECRET, { sub }, { expiresIn: '6h' }));
      return tokens.get(sub)!;
    };
    const url = gateway.url;
    const post = async (body: string, as: string) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(as)}` },
        body,
      });
      return response.text();
    };
    const gql = async (query: string, variables: Record<string, unknown>, as: string) => {
      const text = await post(JSON.stringify({ query, variables }), as);
      const parsed = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
      if (parsed.errors?.length || parsed.data == null) throw new Error(`gateway refused a load-phase call: ${text.slice(0, 500)}`);
      return parsed.data as any;
    };
    let inFlight = 0;
    gateway.server.on('request', (_req, res) => {
      inFlight += 1;
      res.once('close', () => (inFlight -= 1));
    });
    // A response closed by a client that went away does not stop its handler: its transaction is
    // still open, so the gateway's sessions are polled too, until two looks in a row find none busy.
    const busySessions = async () => {
      const [row] = await sql!`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and application_name = 'iam-gateway' and state <> 'idle'`;
      return row!.n as number;
    };
    const idle = async () => {
      for (let quiet = 0; quiet < 2; ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        quiet = inFlight === 0 && (await busySessions()) === 0 ? quiet + 1 : 0;
      }
    };
    const opened = gateway;
    const direct = sql;
    return {
      gateway: opened,
      url,
      databaseUrl: scratch.url,
      sql: direct,
      token,
      gql,
      post,
      idle,
      close: async () => {
        await direct.end({ timeout: 5 });
        await opened.close();
        await scratch.drop();
      },
    };
  } catch (error) {
    await sql?.end({ timeout: 5 });
    await gateway?.close();
    await scratch.drop();
    throw error;
  }
}
