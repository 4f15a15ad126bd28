// explainGrant is the dry run of the real mutation: for every cell of the ceiling table it must
// write nothing, and then answer exactly what the mutation answers.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { EXPLAIN, ok } from '../../support/fixtures.js';
import { startTestGateway, type TestGateway } from '../../support/gateway.js';
import { buildActorFixture, explainInputOf, prepareTargets, runCase, type ActorFixture, type PreparedCase } from './ceiling-fixture.js';
import { ACTOR_KINDS, casesFor, describeCase, expectedOutcome, type DenyingRule } from './ceiling-model.js';

interface ExplainResult {
  allowed: boolean;
  code: string | null;
  reason: string | null;
  ceiling: string | null;
  requestedRole: string | null;
  path: string[];
}

// The gateway's step names, in the order of contract section 3 (freeze, scope, platform_admin,
// requested role, current role, then the state conflicts, and last the no-op check of rule 9).
const STEP_ORDER = [
  'freeze',
  'scope',
  'platform_admin',
  'ceiling_requested',
  'ceiling_current',
  'target_membership',
  'cross_tenant',
  'last_owner',
  'last_platform_admin',
  'noop',
];
const STEP_OF_RULE: Record<DenyingRule, string> = {
  scope: 'scope',
  not_found: 'scope',
  platform_admin: 'platform_admin',
  ceiling_requested: 'ceiling_requested',
  ceiling_current: 'ceiling_current',
};

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
}

/** Everything a write could touch: the audit trail, and every binding row of the target, read straight from the database. */
async function snapshot(targetId: string): Promise<string> {
  const result = await t.gateway.database.db.execute(sql`
    select
      (select count(*) from audit_logs)::int as audit_rows,
      (select count(*) from tenant_memberships)::int as tenant_rows,
      (select count(*) from project_memberships)::int as project_rows,
      (select count(*) from platform_role_bindings)::int as platform_rows,
      (select coalesce(json_agg(json_build_object('t', tenant_id, 'r', role, 's', status, 'u', updated_at) order by id), '[]') from tenant_memberships where user_id = ${targetId}) as tenant,
      (select coalesce(json_agg(json_build_object('p', project_id, 'r', role, 's', status, 'u', updated_at) order by id), '[]') from project_memberships where user_id = ${targetId}) as project,
      (select coalesce(json_agg(json_build_object('r', role, 's', status, 'u', updated_at) order by id), '[]') from platform_role_bindings where user_id = ${targetId}) as platform
  `);
  return JSON.stringify(rowsOf(result)[0]);
}

function expectOrderedPath(path: string[], allowed: boolean): void {
  expect(path.length).toBeGreaterThan(0);
  const steps = path.map((entry) => {
    const match = /^([a-z_]+):(pass|skip|deny)\b/.exec(entry);
    expect(match, `path entry "${entry}"`).not.toBeNull();
    return { step: match![1]!, outcome: match![2]! };
  });
  const positions = steps.map((s) => STEP_ORDER.indexOf(s.step));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
  expect(new Set(positions).size).toBe(positions.length);
  const denials = steps.filter((s) => s.outcome === 'deny');
  if (allowed) {
    expect(denials).toEqual([]);
    // An allowed decision went through every rule.
    expect(steps.map((s) => s.step)).toEqual(STEP_ORDER);
  } else {
    expect(denials).toHaveLength(1);
    expect(steps.at(-1)!.outcome).toBe('deny');
  }
}

describe.each(ACTOR_KINDS)('actor %s', (kind) => {
  let fixture: ActorFixture;
  let prepared: PreparedCase[];
  const cases = casesFor(kind);

  beforeAll(async () => {
    fixture = await buildActorFixture(t, kind);
    prepared = await prepareTargets(t, fixture, cases);
  });

  it.each(cases.map((c, index) => [describeCase(c), index] as const))('%s', async (_name, index) => {
    const p = prepared[index]!;
    const before = await snapshot(p.targetId);
    const explained = ok(await t.gql<{ explainGrant: ExplainResult }>(EXPLAIN, { input: explainInputOf(fixture, p) }, { as: fixture.actor })).explainGrant;
    expect(await snapshot(p.targetId), 'explainGrant wrote something').toBe(before);
    expectOrderedPath(explained.path, explained.allowed);

    const mutation = await runCase(t, fixture, p);
    expect({ allowed: mutation.allowed, code: mutation.code, reason: mutation.reason }).toEqual({
      allowed: explained.allowed,
      code: explained.code,
      reason: explained.reason,
    });
    if (mutation.allowed) {
      // A success carries no ceiling: the mutation's own decision, as logged, does.
      const logged = t.logs.find((line) => line.correlation_id === mutation.correlationId && line.decision && line.dry_run === false);
      expect(logged?.decision).toMatchObject({ allowed: true, ceiling: explained.ceiling, requested_role: explained.requestedRole, path: explained.path });
    } else {
      expect({ ceiling: mutation.ceiling, requestedRole: mutation.requestedRole, path: mutation.decisionPath }).toEqual({
        ceiling: explained.ceiling,
        requestedRole: explained.requestedRole,
        path: explained.path,
      });
    }

    // Both agree with the contract, and a denial names the rule that refused.
    const expected = expectedOutcome(p.case);
    expect({ allowed: explained.allowed, reason: explained.reason, ceiling: explained.ceiling }).toEqual({
      allowed: expected.allowed,
      reason: expected.reason,
      ceiling: expected.ceiling,
    });
    if (expected.rule !== null) expect(explained.path.at(-1)).toMatch(new RegExp(`^${STEP_OF_RULE[expected.rule]}:deny`));
  });
});
