import { randomUUID } from 'node:crypto';
import { and, desc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { auditChainHeads, auditLogs, type AuditLogRow } from '../../db/schema.js';
import { auditRowHash, chainOf } from './hash.js';
import { compiled, placeholder } from '../../db/statement.js';
import { inOrder } from '../../db/pipeline.js';

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

export type ChainHead = {
  chain: string;
  chainSeq: number;
  hash: string;
};

/** The heads of the chains an append will extend, locked; from lockChainHeads. */
export type LockedChainHeads = Map<string, ChainHead>;

const lockHeadStatement = compiled<{ chain: string }, ChainHead[]>('audit_chain_head_lock', (db) =>
  db.select().from(auditChainHeads).where(eq(auditChainHeads.chain, placeholder('chain'))).for('update'),
);

const updateHeadStatement = compiled<ChainHead, unknown>('audit_chain_head_advance', (db) =>
  db
    .update(auditChainHeads)
    .set({ chainSeq: placeholder('chainSeq') as never, hash: placeholder('hash') as never })
    .where(eq(auditChainHeads.chain, placeholder('chain'))),
);

type AuditInsert = typeof auditLogs.$inferInsert;

/**
 * Every row in one statement, whatever their number, sent as one JSON parameter: a statement with a
 * parameter per value is a different statement for each row count, and Drizzle building 16 × 500
 * parameters cost a bulk bind more CPU than everything else it does. The keys are the table's column
 * names, typed by its own row type; a JSON null becomes SQL NULL.
 */
function insertAuditRows(tx: Executor, rows: AuditInsert[]): Promise<unknown> {
  const records = rows.map((row) => ({
    id: row.id,
    occurred_at: row.occurredAt,
    correlation_id: row.correlationId,
    trace_id: row.traceId,
    actor_user_id: row.actorUserId,
    action: row.action,
    target_user_id: row.targetUserId,
    tenant_id: row.tenantId,
    project_id: row.projectId,
    before: row.before,
    after: row.after,
    reason: row.reason,
    chain: row.chain,
    chain_seq: row.chainSeq,
    prev_hash: row.prevHash,
    hash: row.hash,
  }));
  return tx.execute(sql`
    insert into audit_logs (id, occurred_at, correlation_id, trace_id, actor_user_id, action, target_user_id, tenant_id,
                            project_id, before, after, reason, chain, chain_seq, prev_hash, hash)
    select id, occurred_at, correlation_id, trace_id, actor_user_id, action, target_user_id, tenant_id,
           project_id, before, after, reason, chain, chain_seq, prev_hash, hash
    from jsonb_array_elements(${JSON.stringify(records)}::jsonb) with ordinality as e(value, n)
    cross join lateral jsonb_populate_record(null::audit_logs, e.value) as r
    order by e.n`);
}

/** Locks a chain's head row if the chain exists (it is created by lockChainHeads before its first row). */
export async function lockExistingChainHead(tx: Executor, chain: string): Promise<ChainHead | null> {
  return (await lockHeadStatement(tx, { chain }))[0] ?? null;
}

/**
 * Locks the head rows of the chains, in chain order, so that two writers to one chain cannot both
 * extend the same predecessor (a forked chain) and two writers to the same chains cannot deadlock.
 * (The head of the request's own tenant is usually locked already, with the decision's rows: a
 * tenant's chain is only ever extended under its tenant's row lock, so that order cannot deadlock.)
 */
async function lockChainHeads(tx: Executor, chains: Iterable<string>): Promise<LockedChainHeads> {
  const sorted = [...new Set(chains)].sort();
  const found = await inOrder(sorted.map((chain) => () => lockHeadStatement(tx, { chain })));
  const heads: LockedChainHeads = new Map();
  for (const [index, chain] of sorted.entries()) {
    // Created before the chain's first row only: on every other append the head exists.
    heads.set(chain, found[index]![0] ?? (await createChainHead(tx, chain)));
  }
  return heads;
}

async function createChainHead(tx: Executor, chain: string): Promise<ChainHead> {
  // A writer creating the same chain concurrently makes this insert wait for it, then do nothing.
  await tx.insert(auditChainHeads).values({ chain, chainSeq: 0, hash: '' }).onConflictDoNothing();
  const [created] = await lockHeadStatement(tx, { chain });
  return created!;
}

/** The chains the entries go to. */
function chainsOf(entries: readonly { tenantId: string | null }[]): string[] {
  return entries.map((entry) => chainOf(entry.tenantId));
}

/**
 * Appends rows to their hash chains, under the chain heads' row locks: those given (locked earlier in
 * the transaction), the others taken here.
 */
export async function appendAuditRows(tx: Executor, origin: AuditOrigin, entries: AuditEntry[], locked: LockedChainHeads = new Map()): Promise<void> {
  if (entries.length === 0) return;
  const missing = chainsOf(entries).filter((chain) => !locked.has(chain));
  const heads = missing.length === 0 ? locked : new Map([...locked, ...(await lockChainHeads(tx, missing))]);
  const occurredAt = new Date();
  const rows: AuditInsert[] = [];
  const advanced = new Map<string, ChainHead>();
  for (const entry of entries) {
    const chain = chainOf(entry.tenantId);
    const head = advanced.get(chain) ?? heads.get(chain);
    if (head === undefined) throw new Error(`audit chain ${chain} was not locked before the append`);
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
      chainSeq: head.chainSeq + 1,
      prevHash: head.hash === '' ? null : head.hash,
    };
    const hash = auditRowHash(content);
    rows.push({ ...content, hash });
    advanced.set(chain, { chain, chainSeq: content.chainSeq, hash });
  }
  // Sent together (one round trip): the new heads are known already, and the transaction commits
  // both or neither.
  await inOrder([() => insertAuditRows(tx, rows), ...[...advanced.values()].map((head) => () => updateHeadStatement(tx, head))]);
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
