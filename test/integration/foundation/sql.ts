import type { SQL } from 'drizzle-orm';
import type { TestGateway } from '../../support/gateway.js';

/** Rows of a direct query on the gateway's own database (PGlite answers {rows}, postgres.js an array). */
export async function queryRows<T = Record<string, unknown>>(t: TestGateway, query: SQL): Promise<T[]> {
  const result = (await t.gateway.database.db.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : result.rows ?? [];
}

/** The first column of the first row, as a number (for counts). */
export async function countOf(t: TestGateway, query: SQL): Promise<number> {
  const [row] = await queryRows<Record<string, unknown>>(t, query);
  return Number(Object.values(row ?? {})[0]);
}
