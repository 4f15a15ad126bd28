import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { auditRowHash } from '../src/modules/audit/hash.js';
import { flip, targetKey, type ClientPlan, type MutationTarget, type ProjectRoleName } from './targets.js';

export interface BaselineResult {
  ok: number;
  failures: number;
  transactionsPerSecond: number;
  /** Milliseconds. */
  latency: { p50: number; p99: number };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * The same write as bindProjectMembership, with nothing else: the locks the gateway takes
 * (iam_settings FOR SHARE, tenant FOR UPDATE, target user FOR UPDATE), the upsert, and the audit
 * row appended to the tenant's hash chain under its head's row lock. No HTTP, GraphQL, policy
 * reads or ORM: what PostgreSQL itself allows for this transaction.
 */
async function bindDirectly(sql: postgres.Sql, actorId: string, target: MutationTarget, before: ProjectRoleName, role: ProjectRoleName): Promise<void> {
  const qualified = `project_${role.toLowerCase()}`;
  await sql.begin(async (tx) => {
    await tx`select frozen, freeze_scope from iam_settings where id = 1 for share`;
    await tx`select id from tenants where id = ${target.tenantId} for update`;
    await tx`select id from users where id = ${target.userId} for update`;
    const [row] = await tx<{ role: string; status: string }[]>`
      insert into project_memberships (tenant_id, project_id, user_id, role, status)
      values (${target.tenantId}, ${target.projectId}, ${target.userId}, ${qualified}, 'active')
      on conflict (project_id, user_id) do update set role = excluded.role, status = 'active', updated_at = date_trunc('milliseconds', now())
      returning role, status`;
    const chain = `tenant:${target.tenantId}`;
    const [head] = await tx<{ chain_seq: number; hash: string }[]>`select chain_seq, hash from audit_chain_heads where chain = ${chain} for update`;
    if (head === undefined) throw new Error(`no audit chain head for ${chain}`);
    const content = {
      id: randomUUID(),
      occurredAt: new Date(),
      correlationId: randomUUID(),
      traceId: randomUUID().replaceAll('-', ''),
      actorUserId: actorId,
      action: 'project_membership.bind',
      targetUserId: target.userId,
      tenantId: target.tenantId,
      projectId: target.projectId,
      before: { role: `project_${before.toLowerCase()}`, status: 'active' },
      after: { role: row!.role, status: row!.status },
      reason: null,
      chain,
      chainSeq: head.chain_seq + 1,
      prevHash: head.hash === '' ? null : head.hash,
    };
    const hash = auditRowHash(content);
    await tx`
      insert into audit_logs (id, occurred_at, correlation_id, trace_id, actor_user_id, action, target_user_id, tenant_id, project_id,
                              before, after, reason, chain, chain_seq, prev_hash, hash)
      values (${content.id}, ${content.occurredAt}, ${content.correlationId}, ${content.traceId}, ${actorId}, ${content.action},
              ${target.userId}, ${target.tenantId}, ${target.projectId}, ${tx.json(content.before)}, ${tx.json(content.after)}, null,
              ${chain}, ${content.chainSeq}, ${content.prevHash}, ${hash})`;
    await tx`update audit_chain_heads set chain_seq = ${content.chainSeq}, hash = ${hash} where chain = ${chain}`;
  });
}

/** One loop per client, for `seconds`, over a pool of `poolSize` connections configured as the gateway's. */
export async function runBaseline(
  databaseUrl: string,
  poolSize: number,
  plans: ClientPlan[],
  roles: Map<string, ProjectRoleName>,
  seconds: number,
): Promise<BaselineResult> {
  const sql = postgres(databaseUrl, {
    max: poolSize,
    onnotice: () => {},
    connection: { statement_timeout: 5000, lock_timeout: 3000, application_name: 'iam-bench-baseline' },
  });
  const latencies: number[] = [];
  let failures = 0;
  try {
    await sql`select 1`;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      plans.map(async (plan) => {
        for (let i = 0; performance.now() < deadline; i += 1) {
          const target = plan.targets[i % plan.targets.length]!;
          const before = roles.get(targetKey(target)) ?? 'VIEWER';
          const t0 = performance.now();
          try {
            await bindDirectly(sql, plan.actor.id, target, before, flip(before));
            roles.set(targetKey(target), flip(before));
            latencies.push(performance.now() - t0);
          } catch {
            failures += 1;
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      ok: latencies.length,
      failures,
      transactionsPerSecond: latencies.length / elapsed,
      latency: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
