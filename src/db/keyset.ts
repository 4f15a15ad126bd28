import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './client.js';

export type Position = { createdAt: Date; id: string } | null;

type KeysetTable = PgTable & { id: PgColumn; createdAt: PgColumn };

/** Rows strictly after a (created_at, id) keyset position. */
export function afterPosition(table: KeysetTable, position: Position): SQL | undefined {
  return position === null
    ? undefined
    : or(gt(table.createdAt, position.createdAt), and(eq(table.createdAt, position.createdAt), gt(table.id, position.id)));
}

/**
 * The first `limit` rows after `position` of each group (a tenant's members, a project's members,
 * a tenant's projects), for every group in one statement: a page of 200 parents costs one query,
 * not 200.
 */
export async function firstRowsPerGroup<Row>(
  db: Executor,
  table: KeysetTable,
  groupColumn: PgColumn,
  groupIds: readonly string[],
  filter: SQL | undefined,
  position: Position,
  limit: number,
): Promise<Row[]> {
  if (groupIds.length === 0) return [];
  const ranked = db
    .select({
      rankedId: sql<string>`${table.id}`.as('ranked_id'),
      rn: sql<number>`row_number() over (partition by ${groupColumn} order by ${table.createdAt}, ${table.id})`.as('rn'),
    })
    .from(table)
    .where(and(inArray(groupColumn, [...groupIds]), filter, afterPosition(table, position)))
    .as('ranked');
  const rows = await db
    .select({ row: table as never })
    .from(table)
    .innerJoin(ranked, eq(ranked.rankedId, table.id))
    .where(sql`${ranked.rn} <= ${limit}`)
    .orderBy(asc(table.createdAt), asc(table.id));
  return rows.map((r) => (r as { row: Row }).row);
}
