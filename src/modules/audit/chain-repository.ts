import { and, asc, eq, getTableColumns, gt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { auditChainHeads, auditLogs, type AuditLogRow } from '../../db/schema.js';

export type ChainRow = AuditLogRow & {
  /** occurred_at carries a part below the millisecond. */
  subMillisecond: boolean;
};

export interface ChainPosition {
  chain: string;
  chainSeq: number;
}

/** The next page of audit rows in (chain, chain_seq) order, on the chain's unique index. */
export async function readChainPage(tx: Executor, after: ChainPosition | null, limit: number): Promise<ChainRow[]> {
  return tx
    .select({
      ...getTableColumns(auditLogs),
      // Rows are written with a JavaScript Date (milliseconds) and hashed so; a finer part can
      // only come from an edit that the millisecond hash would not see.
      subMillisecond: sql<boolean>`${auditLogs.occurredAt} <> date_trunc('milliseconds', ${auditLogs.occurredAt})`,
    })
    .from(auditLogs)
    .where(
      after === null
        ? undefined
        : or(gt(auditLogs.chain, after.chain), and(eq(auditLogs.chain, after.chain), gt(auditLogs.chainSeq, after.chainSeq))),
    )
    .orderBy(asc(auditLogs.chain), asc(auditLogs.chainSeq))
    .limit(limit);
}

export async function readChainHeads(tx: Executor) {
  return tx.select().from(auditChainHeads);
}
