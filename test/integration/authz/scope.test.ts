// Scope and visibility through the API: ids outside the actor's tenant cannot be probed, platform
// actors get precise not_found answers, reads show only what the viewer may see, and the state
// rules (leaving, last owner, rule 5, strict tenancy, last platform admin) hold.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ASSIGN_PLATFORM,
  BIND_PROJECT,
  BIND_TENANT,
  bindProject,
  bindTenant,
  BULK_BIND,
  CREATE_PROJECT,
  CREATE_TENANT,
  EXPLAIN,
  newProject,
  newTenant,
  ok,
  refusal,
  REVOKE_PLATFORM,
  REVOKE_PROJECT,
  REVOKE_TENANT,
  type TenantFixture,
} from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type GqlResponse, type TestGateway } from '../../support/gateway.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

const TENANT = `query($id: ID!) { tenant(id: $id) { id slug } }`;
const PROJECT = `query($tenantId: ID!, $id: ID!) { project(tenantId: $tenantId, id: $id) { id tenant { id } } }`;
const USER = `query($id: ID!) { user(id: $id) { id subject tenantMemberships { role status tenant { id } } projectMemberships { status project { id } } } }`;
const TENANTS = `{ tenants(first: 200) { nodes { id } } }`;

/**
 * What a client learns from a refusal, with the echoed ids and the per-request ids blanked: two
 * refusals that compare equal here cannot be told apart.
 */
function observable(res: GqlResponse, ids: string[]): unknown {
  const error = res.body.errors?.[0];
  if (error === undefined) throw new Error(`expected a refusal, got ${JSON.stringify(res.body.data)}`);
  const { correlation_id: _c, trace_id: _t, ...extensions } = error.extensions;
  let text = JSON.stringify({ status: res.status, data: res.body.data ?? null, errors: res.body.errors!.length, message: error.message, path: error.path, extensions });
  for (const id of ids) text = text.split(id).join('<id>');
  return JSON.parse(text);
}

async function userIdOf(sub: string) {
  return t.userId(sub);
}

// First, while the bootstrap admin is the only platform admin of this database.
describe('the last platform_admin', () => {
  it('cannot be revoked, by itself or anyone; with a second admin it can', async () => {
    const rootId = await userIdOf(ROOT_ADMIN);
    expect(refusal(await t.gql(REVOKE_PLATFORM, { input: { userId: rootId, role: 'ADMIN' } }, { as: ROOT_ADMIN }))).toMatchObject({
      code: 'conflict',
      reason: 'last_platform_admin',
    });
    const second = uid('second-admin');
    const secondId = await userIdOf(second);
    ok(await t.gql(ASSIGN_PLATFORM, { input: { userId: secondId, role: 'ADMIN' } }, { as: ROOT_ADMIN }));
    // Two admins: either may go, but not both.
    expect(ok(await t.gql(REVOKE_PLATFORM, { input: { userId: secondId, role: 'ADMIN' } }, { as: second })).revokePlatformRole).toEqual({
      changed: true,
      user: { id: secondId, platformRoles: [] },
    });
    expect(refusal(await t.gql(REVOKE_PLATFORM, { input: { userId: rootId, role: 'ADMIN' } }, { as: ROOT_ADMIN })).reason).toBe('last_platform_admin');
    // An auditor role beside it does not count as an admin.
    ok(await t.gql(ASSIGN_PLATFORM, { input: { userId: rootId, role: 'AUDITOR' } }, { as: ROOT_ADMIN }));
    expect(refusal(await t.gql(REVOKE_PLATFORM, { input: { userId: rootId, role: 'ADMIN' } }, { as: ROOT_ADMIN })).reason).toBe('last_platform_admin');
    ok(await t.gql(REVOKE_PLATFORM, { input: { userId: rootId, role: 'AUDITOR' } }, { as: ROOT_ADMIN }));
    const me = ok(await t.gql('{ me { platformRoles } }', {}, { as: ROOT_ADMIN }));
    expect(me.me.platformRoles).toEqual(['ADMIN']);
  });
});

describe('scope_mismatch cannot be used to probe ids', () => {
  let mine: TenantFixture;
  let theirs: TenantFixture;
  let theirProject: string;
  let myProject: string;
  let formerTenant: string;
  let actor: string;
  let target: string;

  beforeAll(async () => {
    mine = await newTenant(t);
    theirs = await newTenant(t);
    myProject = await newProject(t, mine.owner, mine.tenantId);
    theirProject = await newProject(t, theirs.owner, theirs.tenantId);
    // A tenant the actor used to belong to counts as someone else's.
    actor = uid('actor');
    const former = await newTenant(t);
    formerTenant = former.tenantId;
    ok(await bindTenant(t, former.owner, formerTenant, actor, 'OWNER'));
    ok(await t.gql(REVOKE_TENANT, { input: { tenantId: formerTenant, userId: await userIdOf(actor) } }, { as: actor }));
    ok(await bindTenant(t, mine.owner, mine.tenantId, actor, 'OWNER'));
    target = await userIdOf(uid('target'));
  });

  const tenantCalls = (tenantId: string): [string, string, Record<string, unknown>][] => [
    ['bindTenantMembership', BIND_TENANT, { input: { tenantId, userId: target, role: 'MEMBER' } }],
    ['revokeTenantMembership', REVOKE_TENANT, { input: { tenantId, userId: target } }],
    ['createProject', CREATE_PROJECT, { input: { tenantId, slug: 'same-slug', name: 'x' } }],
    ['tenant', TENANT, { id: tenantId }],
  ];

  it('a tenant that exists but is not the actor\'s, and one that does not exist, answer alike', async () => {
    for (const [name, document, _vars] of tenantCalls(theirs.tenantId)) {
      const answers = [];
      for (const tenantId of [theirs.tenantId, formerTenant, randomUUID()]) {
        const vars = tenantCalls(tenantId).find(([n]) => n === name)![2];
        const res = await t.gql(document, vars, { as: actor });
        expect(refusal(res), name).toMatchObject({ code: 'insufficient_permissions', reason: 'scope_mismatch' });
        answers.push(observable(res, [tenantId]));
      }
      expect(answers[1], name).toEqual(answers[0]);
      expect(answers[2], name).toEqual(answers[0]);
    }
  });

  it('a project outside the given tenant answers like a project that does not exist, for every project call', async () => {
    const projectCalls = (tenantId: string, projectId: string): [string, string, Record<string, unknown>][] => [
      ['bindProjectMembership', BIND_PROJECT, { input: { tenantId, projectId, userId: target, role: 'VIEWER' } }],
      ['revokeProjectMembership', REVOKE_PROJECT, { input: { tenantId, projectId, userId: target } }],
      ['bulkBindProjectMemberships', BULK_BIND, { input: { tenantId, projectId, bindings: [{ userId: target, role: 'VIEWER' }] } }],
      ['project', PROJECT, { tenantId, id: projectId }],
    ];
    // Grouped by the tenant named: the ceiling in the answer is the actor's in that tenant, which the
    // actor knows already; within a group nothing may tell an existing project from a missing one.
    const groups: [string, string][][] = [
      [
        [mine.tenantId, theirProject], // the project exists, in another tenant
        [mine.tenantId, randomUUID()], // no such project
      ],
      [
        [theirs.tenantId, theirProject], // the right pair, but not the actor's tenant
        [theirs.tenantId, myProject], // the actor's own project, named under another tenant
        [randomUUID(), theirProject], // no such tenant
        [randomUUID(), randomUUID()],
      ],
    ];
    for (const [name] of projectCalls(mine.tenantId, theirProject)) {
      for (const variants of groups) {
        const answers = [];
        for (const [tenantId, projectId] of variants) {
          const [, document, vars] = projectCalls(tenantId, projectId).find(([n]) => n === name)!;
          const res = await t.gql(document, vars, { as: actor });
          expect(refusal(res), `${name} ${tenantId} ${projectId}`).toMatchObject({ code: 'insufficient_permissions', reason: 'scope_mismatch' });
          answers.push(observable(res, [tenantId, projectId]));
        }
        for (const answer of answers.slice(1)) expect(answer, name).toEqual(answers[0]);
      }
    }
  });

  it('explainGrant answers scope_mismatch alike too', async () => {
    const explain = async (tenantId: string) =>
      ok(await t.gql(EXPLAIN, { input: { action: 'BIND', scope: 'TENANT', tenantId, userId: target, role: 'tenant_member' } }, { as: actor })).explainGrant;
    const existing = await explain(theirs.tenantId);
    expect(existing).toMatchObject({ allowed: false, code: 'insufficient_permissions', reason: 'scope_mismatch' });
    expect(await explain(randomUUID())).toEqual(existing);
  });

  it('the same calls succeed in the actor\'s own tenant and project', async () => {
    const member = uid('member');
    ok(await bindTenant(t, actor, mine.tenantId, member, 'MEMBER'));
    ok(await bindProject(t, actor, mine.tenantId, myProject, member, 'VIEWER'));
    expect(ok(await t.gql(PROJECT, { tenantId: mine.tenantId, id: myProject }, { as: actor })).project).toEqual({ id: myProject, tenant: { id: mine.tenantId } });
    expect(ok(await t.gql(TENANT, { id: mine.tenantId }, { as: member })).tenant.id).toBe(mine.tenantId);
  });
});

describe('a platform actor is told what does not exist', () => {
  let tenant: TenantFixture;
  let projectId: string;
  let otherProject: string;
  let auditor: string;

  beforeAll(async () => {
    tenant = await newTenant(t);
    projectId = await newProject(t, tenant.owner, tenant.tenantId);
    const other = await newTenant(t);
    otherProject = await newProject(t, other.owner, other.tenantId);
    auditor = uid('auditor');
    ok(await t.gql(ASSIGN_PLATFORM, { input: { userId: await userIdOf(auditor), role: 'AUDITOR' } }, { as: ROOT_ADMIN }));
  });

  it('tenant_not_found, project_not_found (missing, or in another tenant) and user_not_found', async () => {
    const member = uid('member');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, member, 'MEMBER'));
    const memberId = await userIdOf(member);
    const cases: [string, Record<string, unknown>, string][] = [
      [BIND_TENANT, { tenantId: randomUUID(), userId: memberId, role: 'MEMBER' }, 'tenant_not_found'],
      [CREATE_PROJECT, { tenantId: randomUUID(), slug: uid('p'), name: 'x' }, 'tenant_not_found'],
      [BIND_PROJECT, { tenantId: tenant.tenantId, projectId: randomUUID(), userId: memberId, role: 'VIEWER' }, 'project_not_found'],
      [BIND_PROJECT, { tenantId: tenant.tenantId, projectId: otherProject, userId: memberId, role: 'VIEWER' }, 'project_not_found'],
      [BIND_TENANT, { tenantId: tenant.tenantId, userId: randomUUID(), role: 'MEMBER' }, 'user_not_found'],
      [BIND_PROJECT, { tenantId: tenant.tenantId, projectId, userId: randomUUID(), role: 'VIEWER' }, 'user_not_found'],
      [ASSIGN_PLATFORM, { userId: randomUUID(), role: 'AUDITOR' }, 'user_not_found'],
      [CREATE_TENANT, { slug: uid('t'), name: 'x', ownerUserId: randomUUID() }, 'user_not_found'],
    ];
    for (const [document, input, reason] of cases) {
      expect(refusal(await t.gql(document, { input }, { as: ROOT_ADMIN })), reason).toMatchObject({ code: 'not_found', reason });
    }
  });

  it('reads answer not_found to platform viewers, scope_mismatch to everyone else', async () => {
    const outsider = (await newTenant(t)).owner;
    for (const viewer of [ROOT_ADMIN, auditor]) {
      expect(refusal(await t.gql(TENANT, { id: randomUUID() }, { as: viewer })).reason).toBe('tenant_not_found');
      expect(refusal(await t.gql(PROJECT, { tenantId: tenant.tenantId, id: randomUUID() }, { as: viewer })).reason).toBe('project_not_found');
      expect(refusal(await t.gql(PROJECT, { tenantId: tenant.tenantId, id: otherProject }, { as: viewer })).reason).toBe('project_not_found');
      expect(ok(await t.gql(PROJECT, { tenantId: tenant.tenantId, id: projectId }, { as: viewer })).project.id).toBe(projectId);
    }
    expect(refusal(await t.gql(TENANT, { id: tenant.tenantId }, { as: outsider })).reason).toBe('scope_mismatch');
    expect(refusal(await t.gql(PROJECT, { tenantId: tenant.tenantId, id: projectId }, { as: outsider })).reason).toBe('scope_mismatch');
  });
});

describe('read visibility', () => {
  let a: TenantFixture;
  let b: TenantFixture;
  let admin: string;
  let member: string;
  let otherMember: string;
  let projectA: string;

  beforeAll(async () => {
    a = await newTenant(t);
    b = await newTenant(t);
    admin = uid('admin');
    member = uid('member');
    otherMember = uid('other-member');
    ok(await bindTenant(t, a.owner, a.tenantId, admin, 'ADMIN'));
    ok(await bindTenant(t, a.owner, a.tenantId, member, 'MEMBER'));
    ok(await bindTenant(t, a.owner, a.tenantId, otherMember, 'MEMBER'));
    projectA = await newProject(t, a.owner, a.tenantId);
    ok(await bindProject(t, a.owner, a.tenantId, projectA, member, 'EDITOR'));
  });

  it('user(id): the actor itself, users of a tenant it administers, anyone for platform roles; null otherwise', async () => {
    const memberId = await userIdOf(member);
    const bOwnerId = await userIdOf(b.owner);
    const auditor = uid('auditor');
    ok(await t.gql(ASSIGN_PLATFORM, { input: { userId: await userIdOf(auditor), role: 'AUDITOR' } }, { as: ROOT_ADMIN }));
    const sees = async (viewer: string, id: string) => ok(await t.gql(USER, { id }, { as: viewer })).user?.id ?? null;

    expect(await sees(member, memberId)).toBe(memberId);
    expect(await sees(a.owner, memberId)).toBe(memberId);
    expect(await sees(admin, memberId)).toBe(memberId);
    expect(await sees(ROOT_ADMIN, memberId)).toBe(memberId);
    expect(await sees(auditor, bOwnerId)).toBe(bOwnerId);
    // A plain member administers nothing; an owner of B does not administer A.
    expect(await sees(otherMember, memberId)).toBeNull();
    expect(await sees(b.owner, memberId)).toBeNull();
    expect(await sees(a.owner, bOwnerId)).toBeNull();
    expect(await sees(member, randomUUID())).toBeNull();
    // Nor a user who has left the tenant the viewer administers.
    const leaver = uid('leaver');
    ok(await bindTenant(t, a.owner, a.tenantId, leaver, 'MEMBER'));
    const leaverId = await userIdOf(leaver);
    expect(await sees(admin, leaverId)).toBe(leaverId);
    ok(await t.gql(REVOKE_TENANT, { input: { tenantId: a.tenantId, userId: leaverId } }, { as: leaver }));
    expect(await sees(admin, leaverId)).toBeNull();
  });

  it('User.tenantMemberships and projectMemberships show only tenants the viewer can see', async () => {
    // The user's history: member of B, left it, then joined A (strict tenancy allows one active tenant).
    const mover = uid('mover');
    ok(await bindTenant(t, b.owner, b.tenantId, mover, 'ADMIN'));
    const projectB = await newProject(t, b.owner, b.tenantId);
    ok(await bindProject(t, b.owner, b.tenantId, projectB, mover, 'VIEWER'));
    const moverId = await userIdOf(mover);
    ok(await t.gql(REVOKE_TENANT, { input: { tenantId: b.tenantId, userId: moverId } }, { as: mover }));
    ok(await bindTenant(t, a.owner, a.tenantId, mover, 'MEMBER'));
    ok(await bindProject(t, a.owner, a.tenantId, projectA, mover, 'VIEWER'));

    const view = async (viewer: string) => ok(await t.gql(USER, { id: moverId }, { as: viewer })).user;
    const tenantsIn = (user: any) => user.tenantMemberships.map((m: any) => `${m.tenant.id}:${m.role}:${m.status}`).sort();
    const projectsIn = (user: any) => user.projectMemberships.map((m: any) => `${m.project.id}:${m.status}`).sort();

    expect(tenantsIn(await view(a.owner))).toEqual([`${a.tenantId}:MEMBER:ACTIVE`]);
    expect(projectsIn(await view(a.owner))).toEqual([`${projectA}:ACTIVE`]);
    expect(tenantsIn(await view(ROOT_ADMIN))).toEqual([`${a.tenantId}:MEMBER:ACTIVE`, `${b.tenantId}:ADMIN:REVOKED`].sort());
    expect(projectsIn(await view(ROOT_ADMIN))).toEqual([`${projectA}:ACTIVE`, `${projectB}:REVOKED`].sort());
    // B's owner may not see the user at all any more.
    expect(ok(await t.gql(USER, { id: moverId }, { as: b.owner })).user).toBeNull();
    // Through a path that reaches the user without user(id): still filtered to what the viewer sees.
    const viaMembers = ok(
      await t.gql(`query($id: ID!) { tenant(id: $id) { members(first: 100) { nodes { user { id tenantMemberships { tenant { id } } } } } } }`, { id: a.tenantId }, { as: member }),
    );
    const moverNode = viaMembers.tenant.members.nodes.find((n: any) => n.user.id === moverId);
    expect(moverNode.user.tenantMemberships).toEqual([{ tenant: { id: a.tenantId } }]);
  });

  it('tenants() lists only the tenants the actor can see', async () => {
    const listed = async (viewer: string) => ok(await t.gql(TENANTS, {}, { as: viewer })).tenants.nodes.map((n: any) => n.id);
    expect(await listed(a.owner)).toEqual([a.tenantId]);
    expect(await listed(member)).toEqual([a.tenantId]);
    expect(await listed(b.owner)).toEqual([b.tenantId]);
    expect(await listed(uid('nobody'))).toEqual([]);
    const all = await listed(ROOT_ADMIN);
    expect(all).toEqual(expect.arrayContaining([a.tenantId, b.tenantId]));
    const leaver = uid('leaver');
    ok(await bindTenant(t, a.owner, a.tenantId, leaver, 'MEMBER'));
    expect(await listed(leaver)).toEqual([a.tenantId]);
    ok(await t.gql(REVOKE_TENANT, { input: { tenantId: a.tenantId, userId: await userIdOf(leaver) } }, { as: a.owner }));
    expect(await listed(leaver)).toEqual([]);
  });
});

describe('leaving, and the last owner', () => {
  it('a member may revoke its own tenant membership (its projects go with it), and its own project membership', async () => {
    const tenant = await newTenant(t);
    const projectId = await newProject(t, tenant.owner, tenant.tenantId);
    const viewer = uid('viewer');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, viewer, 'MEMBER'));
    ok(await bindProject(t, tenant.owner, tenant.tenantId, projectId, viewer, 'VIEWER'));
    const viewerId = await userIdOf(viewer);
    // Leaving a project needs no ceiling.
    expect(ok(await t.gql(REVOKE_PROJECT, { input: { tenantId: tenant.tenantId, projectId, userId: viewerId } }, { as: viewer })).revokeProjectMembership).toMatchObject({
      changed: true,
      membership: { status: 'REVOKED' },
    });
    ok(await bindProject(t, tenant.owner, tenant.tenantId, projectId, viewer, 'EDITOR'));
    expect(ok(await t.gql(REVOKE_TENANT, { input: { tenantId: tenant.tenantId, userId: viewerId } }, { as: viewer })).revokeTenantMembership).toMatchObject({
      changed: true,
      membership: { role: 'MEMBER', status: 'REVOKED' },
    });
    const after = ok(await t.gql(USER, { id: viewerId }, { as: ROOT_ADMIN })).user;
    expect(after.projectMemberships.map((m: any) => m.status)).toEqual(['REVOKED']);
    // Having left, it may not revoke anyone else's membership there.
    const ownerId = await userIdOf(tenant.owner);
    expect(refusal(await t.gql(REVOKE_TENANT, { input: { tenantId: tenant.tenantId, userId: ownerId } }, { as: viewer })).reason).toBe('scope_mismatch');
  });

  it('a member may not revoke another member: self-leave is for oneself only', async () => {
    const tenant = await newTenant(t);
    const one = uid('one');
    const two = uid('two');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, one, 'MEMBER'));
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, two, 'MEMBER'));
    expect(refusal(await t.gql(REVOKE_TENANT, { input: { tenantId: tenant.tenantId, userId: await userIdOf(two) } }, { as: one }))).toMatchObject({
      reason: 'role_ceiling_exceeded',
      ceiling: null,
    });
  });

  it('the last owner may not leave, nor be revoked or demoted; with a second owner it may', async () => {
    const tenant = await newTenant(t);
    const ownerId = await userIdOf(tenant.owner);
    const revokeOwner = { input: { tenantId: tenant.tenantId, userId: ownerId } };
    expect(refusal(await t.gql(REVOKE_TENANT, revokeOwner, { as: tenant.owner }))).toMatchObject({ code: 'conflict', reason: 'last_owner' });
    expect(refusal(await bindTenant(t, tenant.owner, tenant.tenantId, tenant.owner, 'ADMIN'))).toMatchObject({ code: 'conflict', reason: 'last_owner' });
    expect(refusal(await t.gql(REVOKE_TENANT, revokeOwner, { as: ROOT_ADMIN })).reason).toBe('last_owner');
    const members = async () =>
      ok(await t.gql(`query($id: ID!) { tenant(id: $id) { members { nodes { role user { id } } } } }`, { id: tenant.tenantId }, { as: ROOT_ADMIN })).tenant.members.nodes;
    expect(await members()).toEqual([{ role: 'OWNER', user: { id: ownerId } }]);

    const second = uid('second');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, second, 'OWNER'));
    expect(ok(await t.gql(REVOKE_TENANT, revokeOwner, { as: tenant.owner })).revokeTenantMembership.changed).toBe(true);
    // Now the second owner is the last one.
    expect(refusal(await t.gql(REVOKE_TENANT, { input: { tenantId: tenant.tenantId, userId: await userIdOf(second) } }, { as: second })).reason).toBe('last_owner');
  });
});

describe('rule 5: a project binding needs a tenant member', () => {
  it('refuses a user with no membership, or a revoked one, in the project\'s tenant: for single and bulk binds', async () => {
    const tenant = await newTenant(t);
    const projectId = await newProject(t, tenant.owner, tenant.tenantId);
    const stranger = await userIdOf(uid('stranger'));
    const former = uid('former');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, former, 'MEMBER'));
    const formerId = await userIdOf(former);
    ok(await t.gql(REVOKE_TENANT, { input: { tenantId: tenant.tenantId, userId: formerId } }, { as: tenant.owner }));
    const member = uid('member');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, member, 'MEMBER'));
    const memberId = await userIdOf(member);

    for (const userId of [stranger, formerId]) {
      expect(refusal(await t.gql(BIND_PROJECT, { input: { tenantId: tenant.tenantId, projectId, userId, role: 'VIEWER' } }, { as: tenant.owner }))).toMatchObject({
        code: 'conflict',
        reason: 'target_not_tenant_member',
      });
    }
    const bulk = refusal(
      await t.gql(
        BULK_BIND,
        { input: { tenantId: tenant.tenantId, projectId, bindings: [{ userId: memberId, role: 'VIEWER' }, { userId: stranger, role: 'VIEWER' }] } },
        { as: tenant.owner },
      ),
    );
    expect(bulk).toMatchObject({ code: 'conflict', reason: 'target_not_tenant_member', item_index: 1 });
    // All or nothing: the member of the refused batch was not bound either.
    const project = ok(await t.gql(`query($t: ID!, $p: ID!) { project(tenantId: $t, id: $p) { members { nodes { user { id } } } } }`, { t: tenant.tenantId, p: projectId }, { as: ROOT_ADMIN }));
    expect(project.project.members.nodes).toEqual([]);
    ok(await t.gql(BIND_PROJECT, { input: { tenantId: tenant.tenantId, projectId, userId: memberId, role: 'VIEWER' } }, { as: tenant.owner }));
  });
});

describe('strict tenancy (the default)', () => {
  it('refuses binding a user active in another tenant as cross_tenant_membership, and allows it once the user left', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const user = uid('user');
    ok(await bindTenant(t, a.owner, a.tenantId, user, 'MEMBER'));
    expect(refusal(await bindTenant(t, b.owner, b.tenantId, user, 'MEMBER'))).toMatchObject({ code: 'conflict', reason: 'cross_tenant_membership' });
    expect(refusal(await bindTenant(t, ROOT_ADMIN, b.tenantId, user, 'OWNER')).reason).toBe('cross_tenant_membership');
    const userId = await userIdOf(user);
    expect(refusal(await t.gql(CREATE_TENANT, { input: { slug: uid('t'), name: 'x', ownerUserId: userId } }, { as: ROOT_ADMIN })).reason).toBe(
      'cross_tenant_membership',
    );
    ok(await t.gql(REVOKE_TENANT, { input: { tenantId: a.tenantId, userId } }, { as: user }));
    expect(ok(await bindTenant(t, b.owner, b.tenantId, user, 'MEMBER')).bindTenantMembership.changed).toBe(true);
  });
});

describe('shared tenancy (IAM_TENANCY_MODE=shared)', () => {
  let shared: TestGateway;
  beforeAll(async () => {
    shared = await startTestGateway({ env: { IAM_TENANCY_MODE: 'shared' } });
  });
  afterAll(async () => {
    await shared?.close();
  });

  it('lets a user belong to several tenants, each seeing only its own membership', async () => {
    const a = await newTenant(shared);
    const b = await newTenant(shared);
    const user = uid('user');
    ok(await bindTenant(shared, a.owner, a.tenantId, user, 'MEMBER'));
    expect(ok(await bindTenant(shared, b.owner, b.tenantId, user, 'ADMIN')).bindTenantMembership.changed).toBe(true);
    const listed = ok(await shared.gql(TENANTS, {}, { as: user })).tenants.nodes.map((n: any) => n.id);
    expect(listed.sort()).toEqual([a.tenantId, b.tenantId].sort());
    const userId = await shared.userId(user);
    const seenByA = ok(await shared.gql(USER, { id: userId }, { as: a.owner })).user;
    expect(seenByA.tenantMemberships.map((m: any) => m.tenant.id)).toEqual([a.tenantId]);
    // Rule 2 still holds per tenant: the admin of B has no ceiling in A.
    const other = uid('other');
    ok(await bindTenant(shared, a.owner, a.tenantId, other, 'MEMBER'));
    expect(refusal(await bindTenant(shared, user, a.tenantId, other, 'ADMIN'))).toMatchObject({ reason: 'role_ceiling_exceeded', ceiling: null });
  });
});
