import { randomUUID } from 'node:crypto';
import { and, desc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { auditChainHeads, auditLogs, type AuditLogRow } from '../../db/schema.js';
import { auditRowHash, chainOf } from './hash.js';

export interface AuditEntry {
  action: string;
  targetUserId: string | null;
  tenantId: string | null;
  projectId: string | null;
  before: unknown;
  after: unknown;
  reason?: string | null;
}

export interface AuditOrigin {
  actorUserId: string | null;
  correlationId: string;
  traceId: string;
}

/**
 * Appends rows to their hash chains. The chain head row is locked FOR UPDATE so that two
 * concurrent writers to one chain cannot both extend the same predecessor (a forked chain).
 */
export async function appendAuditRows(tx: Executor, origin: AuditOrigin, entries: AuditEntry[]): Promise<AuditLogRow[]> {
  if (entries.length === 0) return [];
  const occurredAt = new Date();
  const byChain = new Map<string, AuditEntry[]>();
  for (const entry of entries) {
    const chain = chainOf(entry.tenantId);
    const list = byChain.get(chain);
    if (list === undefined) byChain.set(chain, [entry]);
    else list.push(entry);
  }
  const rows: (typeof auditLogs.$inferInsert)[] = [];
  const heads: { chain: string; chainSeq: number; hash: string }[] = [];
  // Chains in a fixed order, so two transactions appending to the same two chains cannot deadlock.
  for (const chain of [...byChain.keys()].sort()) {
    const head = await lockChainHead(tx, chain);
    let chainSeq = head?.chainSeq ?? 0;
    let prevHash: string | null = head && head.hash !== '' ? head.hash : null;
    for (const entry of byChain.get(chain)!) {
      chainSeq += 1;
      const content = {
        id: randomUUID(),
        occurredAt,
        correlationId: origin.correlationId,
        traceId: origin.traceId,
        actorUserId: origin.actorUserId,
        action: entry.action,
        targetUserId: entry.targetUserId,
        tenantId: entry.tenantId,
        projectId: entry.projectId,
        before: entry.before ?? null,
        after: entry.after ?? null,
        reason: entry.reason ?? null,
        chain,
        chainSeq,
        prevHash,
      };
      const hash = auditRowHash(content);
      rows.push({ ...content, hash });
      prevHash = hash;
    }
    heads.push({ chain, chainSeq, hash: prevHash! });
  }
  // Sent together (one round trip): the new heads are known already, and the transaction commits
  // both or neither.
  const [inserted] = await Promise.all([
    tx.insert(auditLogs).values(rows).returning(),
    ...heads.map((head) => tx.update(auditChainHeads).set({ chainSeq: head.chainSeq, hash: head.hash }).where(eq(auditChainHeads.chain, head.chain))),
  ]);
  return inserted;
}

/**
 * Locks a chain's head row, creating it before the chain's first row. Once the chain exists (every
 * append but its first) that is one statement; creating it first on every append would cost two.
 */
async function lockChainHead(tx: Executor, chain: string) {
  const lock = () => tx.select().from(auditChainHeads).where(eq(auditChainHeads.chain, chain)).for('update');
  const [head] = await lock();
  if (head !== undefined) return head;
  // A writer creating the same chain concurrently makes this insert wait for it, then do nothing.
  await tx.insert(auditChainHeads).values({ chain, chainSeq: 0, hash: '' }).onConflictDoNothing();
  const [created] = await lock();
  return created;
}

export interface AuditFilter {
  correlationId?: string | null;
  actorUserId?: string | null;
  targetUserId?: string | null;
  tenantId?: string | null;
  projectId?: string | null;
  action?: string | null;
  since?: Date | null;
  until?: Date | null;
}

export interface AuditQuery extends AuditFilter {
  /** null: every row (platform viewers); otherwise only rows of these tenants. */
  visibleTenantIds: string[] | null;
  beforeSeq: number | null;
  limit: number;
}

/** Newest first, keyset-paginated on seq. */
export async function findAuditRows(db: Executor, q: AuditQuery): Promise<AuditLogRow[]> {
  const conditions: (SQL | undefined)[] = [
    q.correlationId ? eq(auditLogs.correlationId, q.correlationId) : undefined,
    q.actorUserId ? eq(auditLogs.actorUserId, q.actorUserId) : undefined,
    q.targetUserId ? eq(auditLogs.targetUserId, q.targetUserId) : undefined,
    q.tenantId ? eq(auditLogs.tenantId, q.tenantId) : undefined,
    q.projectId ? eq(auditLogs.projectId, q.projectId) : undefined,
    q.action ? eq(auditLogs.action, q.action) : undefined,
    q.since ? gte(auditLogs.occurredAt, q.since) : undefined,
    q.until ? lte(auditLogs.occurredAt, q.until) : undefined,
    q.beforeSeq !== null ? lt(auditLogs.seq, q.beforeSeq) : undefined,
    q.visibleTenantIds === null ? undefined : q.visibleTenantIds.length === 0 ? sql`false` : inArray(auditLogs.tenantId, q.visibleTenantIds),
  ];
  return db
    .select()
    .from(auditLogs)
    .where(and(...conditions))
    .orderBy(desc(auditLogs.seq))
    .limit(q.limit);
}

/** Every row of every chain in chain order, for verification. */
export async function readAuditChains(db: Executor): Promise<AuditLogRow[]> {
  return db.select().from(auditLogs).orderBy(auditLogs.chain, auditLogs.chainSeq);
}

export async function readChainHeads(db: Executor) {
  return db.select().from(auditChainHeads);
}
