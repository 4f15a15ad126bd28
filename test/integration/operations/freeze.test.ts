import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ASSIGN_PLATFORM,
  auditRows,
  BIND_PROJECT,
  BIND_TENANT,
  BULK_BIND,
  CREATE_PROJECT,
  CREATE_TENANT,
  EXPLAIN,
  newProject,
  newTenant,
  ok,
  REHOME,
  refusal,
  REVOKE_PLATFORM,
  REVOKE_PROJECT,
  REVOKE_TENANT,
  SET_FREEZE,
  bindTenant,
  bindProject,
} from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { IAM_STATUS, stateOf, stateOfId, tenantMembers } from './support.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});
// The freeze is global: every test leaves the gateway unfrozen for the next.
afterEach(async () => {
  ok(await t.gql(SET_FREEZE, { input: { frozen: false } }, { as: ROOT_ADMIN }));
});

const setFreeze = (input: Record<string, unknown>, as = ROOT_ADMIN) => t.gql(SET_FREEZE, { input }, { as });

async function status() {
  return ok(await t.gql(IAM_STATUS, {}, { as: ROOT_ADMIN })).iamStatus;
}

function expectFrozen(res: Awaited<ReturnType<TestGateway['gql']>>) {
  expect(refusal(res)).toMatchObject({ code: 'service_unavailable', reason: 'mutations_frozen', retryable: true });
  // The one service_unavailable whose message is kept: it tells the caller why and what to do.
  expect(res.body.errors![0]!.message).toMatch(/paused/);
}

/** A tenant with a project and two members, one of them already in the project. */
async function world() {
  const tenant = await newTenant(t);
  const projectId = await newProject(t, tenant.owner, tenant.tenantId);
  const [a, b] = await tenantMembers(t, tenant.tenantId, tenant.owner, 2);
  const inProject = uid('in-project');
  ok(await bindTenant(t, tenant.owner, tenant.tenantId, inProject, 'MEMBER'));
  ok(await bindProject(t, tenant.owner, tenant.tenantId, projectId, inProject, 'VIEWER'));
  return { ...tenant, projectId, a: a!, b: b!, inProject, inProjectId: await t.userId(inProject) };
}

describe('setMutationFreeze and iamStatus', () => {
  it('shows who froze what, when and why, and clears it on unfreeze', async () => {
    expect(await status()).toEqual({ frozen: false, freezeScope: null, reason: null, since: null, by: null });
    const before = Date.now();
    const frozen = ok(await setFreeze({ frozen: true, scope: 'BULK', reason: ' INC-7 unexpected denials ' })).setMutationFreeze.status;
    const rootId = await t.userId(ROOT_ADMIN);
    const expected = { frozen: true, freezeScope: 'BULK', reason: 'INC-7 unexpected denials', by: { id: rootId } };
    expect(frozen).toMatchObject(expected);
    const shown = await status();
    expect(shown).toMatchObject(expected);
    expect(Date.parse(shown.since)).toBeGreaterThanOrEqual(before - 1000);

    ok(await setFreeze({ frozen: false, reason: 'root cause fixed' }));
    expect(await status()).toEqual({ frozen: false, freezeScope: null, reason: null, since: null, by: null });
  });

  it('audits a freeze as iam.freeze and its lifting as iam.unfreeze, with the reason', async () => {
    const freezeId = uid('freeze');
    const unfreezeId = uid('unfreeze');
    ok(await t.gql(SET_FREEZE, { input: { frozen: true, scope: 'ALL', reason: 'INC-8' } }, { as: ROOT_ADMIN, headers: { 'x-correlation-id': freezeId } }));
    ok(await t.gql(SET_FREEZE, { input: { frozen: false, reason: 'INC-8 resolved' } }, { as: ROOT_ADMIN, headers: { 'x-correlation-id': unfreezeId } }));
    const rootId = await t.userId(ROOT_ADMIN);
    expect(await auditRows(t, { correlationId: freezeId })).toEqual([
      expect.objectContaining({
        action: 'iam.freeze',
        actorUserId: rootId,
        tenantId: null,
        reason: 'INC-8',
        before: { frozen: false, scope: null },
        after: { frozen: true, scope: 'all' },
      }),
    ]);
    expect(await auditRows(t, { correlationId: unfreezeId })).toEqual([
      expect.objectContaining({ action: 'iam.unfreeze', reason: 'INC-8 resolved', before: { frozen: true, scope: 'all' }, after: { frozen: false, scope: null } }),
    ]);
  });

  it('treats lifting a freeze that is not there as a no-op: no audit row', async () => {
    const res = await setFreeze({ frozen: false, reason: 'just in case' });
    expect(ok(res).setMutationFreeze.status).toMatchObject({ frozen: false, freezeScope: null });
    expect(await auditRows(t, { correlationId: res.headers.get('x-correlation-id') })).toEqual([]);
  });

  it.each([
    ['no reason', { frozen: true, scope: 'BULK' }, 'input.reason'],
    ['a blank reason', { frozen: true, scope: 'BULK', reason: '   ' }, 'input.reason'],
    ['no scope', { frozen: true, reason: 'INC-9' }, 'input.scope'],
  ])('refuses a freeze with %s as validation_failed, leaving the gateway unfrozen', async (_, input, field) => {
    expect(refusal(await setFreeze(input))).toMatchObject({ code: 'invalid_request', reason: 'validation_failed', field });
    expect((await status()).frozen).toBe(false);
  });

  it('refuses a tenant owner and a platform_auditor with platform_admin_required, freezing and unfreezing alike', async () => {
    const tenant = await newTenant(t);
    const auditor = uid('auditor');
    ok(await t.gql(ASSIGN_PLATFORM, { input: { userId: await t.userId(auditor), role: 'AUDITOR' } }, { as: ROOT_ADMIN }));
    for (const actor of [tenant.owner, auditor]) {
      expect(refusal(await setFreeze({ frozen: true, scope: 'ALL', reason: 'x' }, actor))).toMatchObject({
        code: 'insufficient_permissions',
        reason: 'platform_admin_required',
      });
    }
    expect((await status()).frozen).toBe(false);
    ok(await setFreeze({ frozen: true, scope: 'BULK', reason: 'INC-10' }));
    for (const actor of [tenant.owner, auditor]) {
      expect(refusal(await setFreeze({ frozen: false }, actor))).toMatchObject({ reason: 'platform_admin_required' });
    }
    expect((await status()).frozen).toBe(true);
  });

  it('answers validation before the actor: a non-admin with a malformed freeze gets validation_failed', async () => {
    const tenant = await newTenant(t);
    expect(refusal(await setFreeze({ frozen: true, scope: 'ALL' }, tenant.owner))).toMatchObject({ reason: 'validation_failed' });
  });
});

describe('a BULK freeze', () => {
  it('refuses bulk binds only, retryably, and writes nothing; single changes go on', async () => {
    const w = await world();
    ok(await setFreeze({ frozen: true, scope: 'BULK', reason: 'INC-11' }));
    const bulk = await t.gql(BULK_BIND, { input: { tenantId: w.tenantId, projectId: w.projectId, bindings: [{ userId: w.a, role: 'VIEWER' }] } }, { as: w.owner });
    expectFrozen(bulk);
    // The freeze refuses the batch, not one of its items.
    expect(refusal(bulk)).not.toHaveProperty('item_index');
    expect(await auditRows(t, { correlationId: bulk.headers.get('x-correlation-id') })).toEqual([]);
    expect((await stateOfId(t, w.a)).projectMemberships).toEqual([]);

    const single = ok(await t.gql(BIND_PROJECT, { input: { tenantId: w.tenantId, projectId: w.projectId, userId: w.b, role: 'EDITOR' } }, { as: w.owner }));
    expect(single.bindProjectMembership.changed).toBe(true);
    ok(await t.gql(BIND_TENANT, { input: { tenantId: w.tenantId, userId: await t.userId(uid('joiner')), role: 'MEMBER' } }, { as: w.owner }));

    // The same bulk request, unchanged, succeeds once the freeze is lifted: that is what retryable means.
    ok(await setFreeze({ frozen: false }));
    const retried = ok(await t.gql(BULK_BIND, { input: { tenantId: w.tenantId, projectId: w.projectId, bindings: [{ userId: w.a, role: 'VIEWER' }] } }, { as: w.owner }));
    expect(retried.bulkBindProjectMemberships.changedCount).toBe(1);
  });
});

describe('an ALL freeze', () => {
  it('refuses every IAM mutation but setMutationFreeze, each retryably, and nothing changes', async () => {
    const w = await world();
    const other = await newTenant(t);
    const rootId = await t.userId(ROOT_ADMIN);
    const newcomer = await t.userId(uid('newcomer'));
    ok(await setFreeze({ frozen: true, scope: 'ALL', reason: 'INC-12' }));
    const before = await stateOf(t, w.inProject);

    const attempts: [string, string, Record<string, unknown>, string][] = [
      ['createTenant', CREATE_TENANT, { slug: uid('frozen'), name: 'Frozen', ownerUserId: newcomer }, ROOT_ADMIN],
      ['createProject', CREATE_PROJECT, { tenantId: w.tenantId, slug: uid('frozen'), name: 'Frozen' }, w.owner],
      ['bindTenantMembership', BIND_TENANT, { tenantId: w.tenantId, userId: newcomer, role: 'MEMBER' }, w.owner],
      ['revokeTenantMembership', REVOKE_TENANT, { tenantId: w.tenantId, userId: w.inProjectId }, w.owner],
      ['bindProjectMembership', BIND_PROJECT, { tenantId: w.tenantId, projectId: w.projectId, userId: w.a, role: 'VIEWER' }, w.owner],
      ['revokeProjectMembership', REVOKE_PROJECT, { tenantId: w.tenantId, projectId: w.projectId, userId: w.inProjectId }, w.owner],
      ['bulkBindProjectMemberships', BULK_BIND, { tenantId: w.tenantId, projectId: w.projectId, bindings: [{ userId: w.a, role: 'VIEWER' }] }, w.owner],
      ['assignPlatformRole', ASSIGN_PLATFORM, { userId: newcomer, role: 'AUDITOR' }, ROOT_ADMIN],
      ['revokePlatformRole', REVOKE_PLATFORM, { userId: rootId, role: 'ADMIN' }, ROOT_ADMIN],
      ['rehomeUser', REHOME, { userId: w.inProjectId, fromTenantId: w.tenantId, toTenantId: other.tenantId, role: 'MEMBER', reason: 'x' }, ROOT_ADMIN],
      // Self-leave too: the freeze answers before the self-revoke exemption.
      ['revokeTenantMembership (self)', REVOKE_TENANT, { tenantId: w.tenantId, userId: w.inProjectId }, w.inProject],
    ];
    for (const [name, document, input, as] of attempts) {
      const res = await t.gql(document, { input }, { as });
      expect(refusal(res), name).toMatchObject({ code: 'service_unavailable', reason: 'mutations_frozen', retryable: true });
      expect(await auditRows(t, { correlationId: res.headers.get('x-correlation-id') }), name).toEqual([]);
    }
    expect(await stateOf(t, w.inProject)).toEqual(before);

    // setMutationFreeze keeps working while frozen: it narrows the freeze, then lifts it.
    expect(ok(await setFreeze({ frozen: true, scope: 'BULK', reason: 'INC-12 narrowed' })).setMutationFreeze.status).toMatchObject({ freezeScope: 'BULK' });
    ok(await t.gql(BIND_TENANT, { input: { tenantId: w.tenantId, userId: newcomer, role: 'MEMBER' } }, { as: w.owner }));
  });

  it('keeps the contract order: malformed input before the freeze, the freeze before scope', async () => {
    const w = await world();
    const foreign = await newTenant(t);
    ok(await setFreeze({ frozen: true, scope: 'ALL', reason: 'INC-13' }));
    const malformed = await t.gql(BIND_TENANT, { input: { tenantId: 'not-a-uuid', userId: w.a, role: 'MEMBER' } }, { as: w.owner });
    expect(refusal(malformed)).toMatchObject({ code: 'invalid_request', reason: 'validation_failed' });
    const outOfScope = await t.gql(BIND_TENANT, { input: { tenantId: foreign.tenantId, userId: w.a, role: 'MEMBER' } }, { as: w.owner });
    expect(refusal(outOfScope)).toMatchObject({ reason: 'mutations_frozen' });
  });

  it('is what explainGrant reports while it lasts', async () => {
    const w = await world();
    ok(await setFreeze({ frozen: true, scope: 'ALL', reason: 'INC-14' }));
    const explained = ok(
      await t.gql(EXPLAIN, { input: { action: 'BIND', scope: 'TENANT', tenantId: w.tenantId, userId: w.a, role: 'tenant_admin' } }, { as: w.owner }),
    ).explainGrant;
    expect(explained).toMatchObject({ allowed: false, code: 'service_unavailable', reason: 'mutations_frozen' });
    expect(explained.path[0]).toMatch(/^freeze:deny/);
  });
});
