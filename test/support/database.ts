import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** Set when the suite runs against a real PostgreSQL server (DATABASE_URL). */
export const SERVER_URL = process.env.DATABASE_URL?.trim() || null;
export const REAL_DB = SERVER_URL !== null;

// .ci/run sets IAM_REQUIRE_REAL_DB=1 for its real-server run: a suite that would skip the
// real-database tests there fails instead.
if (process.env.IAM_REQUIRE_REAL_DB === '1' && !REAL_DB) {
  throw new Error('IAM_REQUIRE_REAL_DB=1 but DATABASE_URL is not set: the real-database tests would be skipped');
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A fresh, empty database on the real server, dropped by the returned function. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (SERVER_URL === null) throw new Error('createScratchDatabase needs DATABASE_URL');
  const name = `iam_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(SERVER_URL, name),
    drop: async () => {
      const cleanup = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
