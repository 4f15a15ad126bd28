import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type Logger } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { guardTransactionsAgainstConnectionLoss } from './connection-loss.js';
import { preparingClient } from './prepared-queries.js';
import { RecyclingClient } from './recycling-client.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A database or a transaction: repositories take either, so services decide where the transaction starts. */
export type Executor = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Executor;
  kind: 'postgres' | 'pglite';
  /** true when concurrent transactions really run concurrently (a pool), false on single-connection PGlite. */
  concurrent: boolean;
  ping(timeoutMs?: number): Promise<boolean>;
  /** Replaces every connection, for when some may be stuck on a dead network (a no-op on PGlite). */
  reset(): void;
  /** SQL statements issued through Drizzle since start (tests and benchmarks count round trips with it). */
  stats: { statements: number };
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string | null;
  /** PGlite data directory; 'memory://' for an in-memory database. */
  dataDir: string;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  poolSize?: number;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

// Any fixed key: it serialises migrations of several gateway instances starting together.
const MIGRATION_LOCK_KEY = 7_234_001;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url === null ? openPglite(options) : openPostgres(options.url, options);
}

/** true when the database answers a trivial query within the time limit. */
async function answersWithin(query: () => Promise<unknown>, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
    });
    await Promise.race([query(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function statementCounter(): { stats: { statements: number }; logger: Logger } {
  const stats = { statements: 0 };
  return { stats, logger: { logQuery: () => void (stats.statements += 1) } };
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  if (!options.dataDir.startsWith('memory://')) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir);
  const { stats, logger } = statementCounter();
  const db = drizzlePglite({ client, schema, logger }) as unknown as Executor;
  return {
    db,
    stats,
    kind: 'pglite',
    concurrent: false,
    ping: (timeoutMs) => answersWithin(() => client.query('select 1'), timeoutMs),
    reset: () => {},
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

function openPostgres(url: string, options: DatabaseOptions): Database {
  const pool = new RecyclingClient(() => {
    const client = postgres(url, {
      max: options.poolSize ?? 10,
      connect_timeout: 5,
      idle_timeout: 30,
      max_lifetime: 60 * 30,
      onnotice: () => {},
      // postgres.js fetches array types on each new connection without handling a failure there: a
      // connection killed during that fetch is an unhandled rejection, which ends a Node process.
      // Nothing here binds arrays as parameters, so the fetch is not needed.
      fetch_types: false,
      // A slow statement or a stuck lock must not hold a request (or other writers) forever.
      connection: {
        statement_timeout: options.statementTimeoutMs,
        lock_timeout: options.lockTimeoutMs,
        idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
        // Pinned for the session, whatever the server or database default: inTransaction relies on
        // it to open read committed transactions without a SET TRANSACTION round trip each.
        default_transaction_isolation: 'read committed',
        application_name: 'iam-gateway',
      },
    });
    // Drizzle installs its type parsers on the client it is given; every pool behind the stand-in needs them.
    drizzlePostgres({ client });
    return client;
  });
  const { stats, logger } = statementCounter();
  const db = drizzlePostgres({ client: preparingClient(pool.client), schema, logger }) as unknown as Executor;
  guardTransactionsAgainstConnectionLoss(db, () => pool.recycle());
  return {
    db,
    stats,
    kind: 'postgres',
    concurrent: true,
    ping: (timeoutMs) => answersWithin(() => pool.client`select 1`, timeoutMs),
    reset: () => void pool.recycle(),
    close: () => pool.end(),
  };
}

/** Applies drizzle/ migrations; identical SQL on PGlite and PostgreSQL. */
export async function migrateDatabase(database: Database, url: string | null): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  // A dedicated single connection holds the advisory lock for the whole migration.
  const client = postgres(url!, { max: 1, onnotice: () => {}, connect_timeout: 5, fetch_types: false });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

export { sql };
