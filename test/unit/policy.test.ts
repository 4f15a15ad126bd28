import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActorBindings, PolicyAction, PolicyInput, PolicyScope, TargetBindings } from '../../src/policy/decision.js';
import { ceilingAt, decide } from '../../src/policy/engine.js';
import {
  PLATFORM_ROLES,
  PROJECT_ROLES,
  TENANT_ROLES,
  isAtOrBelow,
  type QualifiedRole,
  type ScopeKind,
} from '../../src/policy/roles.js';

const PLATFORM: PolicyScope = { kind: 'platform', tenantId: null, projectId: null };
const TENANT: PolicyScope = { kind: 'tenant', tenantId: 't1', projectId: null };
const PROJECT: PolicyScope = { kind: 'project', tenantId: 't1', projectId: 'p1' };

const actor = (over: Partial<ActorBindings> = {}): ActorBindings => ({
  userId: 'actor',
  platformRoles: [],
  tenantRole: null,
  projectRole: null,
  ...over,
});

const target = (over: Partial<TargetBindings> = {}): TargetBindings => ({
  userId: 'target',
  platformRoles: [],
  tenantRole: null,
  projectRole: null,
  otherActiveTenantIds: [],
  ...over,
});

const PLATFORM_ADMIN = actor({ platformRoles: ['platform_admin'] });
const TENANT_OWNER = actor({ tenantRole: 'tenant_owner' });
const TENANT_ADMIN = actor({ tenantRole: 'tenant_admin' });
const TENANT_MEMBER = actor({ tenantRole: 'tenant_member' });

/** A tenant owner binding a newcomer as tenant_member: allowed unless a test says otherwise. */
function input(over: Partial<PolicyInput> = {}): PolicyInput {
  return {
    action: 'bind',
    scope: TENANT,
    bulk: false,
    freeze: { frozen: false, scope: null },
    scopeCheck: 'ok',
    actor: TENANT_OWNER,
    target: target(),
    requestedRole: 'tenant_member',
    tenancyMode: 'strict',
    activeTenantOwners: 2,
    activePlatformAdmins: 2,
    ...over,
  };
}

type Rehome = NonNullable<PolicyInput['rehome']>;
const rehome = (over: Partial<Rehome> = {}): Rehome => ({
  fromTenantId: 't0',
  targetRoleInFromTenant: 'tenant_member',
  fromTenantActiveOwners: 2,
  ...over,
});

const REHOME = (over: Partial<PolicyInput> = {}): PolicyInput =>
  input({ action: 'rehome', actor: PLATFORM_ADMIN, requestedRole: 'tenant_member', rehome: rehome(), ...over });

function expectDenied(d: ReturnType<typeof decide>, code: string, reason: string): void {
  expect({ allowed: d.allowed, code: d.code, reason: d.reason, changed: d.changed }).toEqual({
    allowed: false,
    code,
    reason,
    changed: false,
  });
  expect(d.path.at(-1)).toMatch(/:deny/);
}

function expectAllowed(d: ReturnType<typeof decide>): void {
  expect({ allowed: d.allowed, code: d.code, reason: d.reason }).toEqual({
    allowed: true,
    code: null,
    reason: null,
  });
}

describe('ceiling table, row for row as the contract writes it (section 2)', () => {
  // Expected values copied from the contract's table, not computed.
  const rows: Array<[string, Partial<ActorBindings>, QualifiedRole | null, QualifiedRole | null, QualifiedRole | null]> = [
    // actor                                   bindings                                                  tenant          project          platform
    ['platform_admin', { platformRoles: ['platform_admin'] }, 'tenant_owner', 'project_owner', 'platform_admin'],
    ['tenant_owner', { tenantRole: 'tenant_owner' }, 'tenant_owner', 'project_owner', null],
    ['tenant_admin', { tenantRole: 'tenant_admin' }, 'tenant_admin', 'project_admin', null],
    ['tenant_member', { tenantRole: 'tenant_member' }, null, null, null],
    ['tenant_member + direct project_admin', { tenantRole: 'tenant_member', projectRole: 'project_admin' }, null, 'project_admin', null],
    ['direct project_owner', { projectRole: 'project_owner' }, null, 'project_owner', null],
    ['direct project_admin', { projectRole: 'project_admin' }, null, 'project_admin', null],
    ['project_editor', { tenantRole: 'tenant_member', projectRole: 'project_editor' }, null, null, null],
    ['project_viewer', { tenantRole: 'tenant_member', projectRole: 'project_viewer' }, null, null, null],
    ['platform_auditor', { platformRoles: ['platform_auditor'] }, null, null, null],
    ['no role', {}, null, null, null],
  ];

  describe.each(rows)('%s', (_name, bindings, tenant, project, platform) => {
    const who = actor(bindings);

    it('has the contract ceilings', () => {
      expect(ceilingAt('tenant', who)).toBe(tenant);
      expect(ceilingAt('project', who)).toBe(project);
      expect(ceilingAt('platform', who)).toBe(platform);
    });

    it.each([
      ['tenant', TENANT, TENANT_ROLES, tenant],
      ['project', PROJECT, PROJECT_ROLES, project],
    ] as const)('at %s scope grants exactly the roles at or below it', (_scope, scope, roles, ceiling) => {
      const grantable = ceiling === null ? [] : roles.slice(roles.indexOf(ceiling as never));
      for (const role of roles) {
        const d = decide(input({ scope, actor: who, requestedRole: role, target: target({ tenantRole: 'tenant_member' }) }));
        // A tenant_member target already holds tenant_member: that bind is a no-op, still allowed.
        expect({ role, allowed: d.allowed, ceiling: d.ceiling }).toEqual({
          role,
          allowed: (grantable as readonly string[]).includes(role),
          ceiling,
        });
        if (!d.allowed) expect(d.reason).toBe('role_ceiling_exceeded');
      }
    });
  });

  it('takes the highest row the actor holds', () => {
    expect(ceilingAt('project', actor({ tenantRole: 'tenant_admin', projectRole: 'project_owner' }))).toBe('project_owner');
    expect(ceilingAt('project', actor({ tenantRole: 'tenant_owner', projectRole: 'project_admin' }))).toBe('project_owner');
    expect(ceilingAt('tenant', actor({ platformRoles: ['platform_auditor'], tenantRole: 'tenant_admin' }))).toBe('tenant_admin');
    expect(ceilingAt('tenant', actor({ platformRoles: ['platform_admin'], tenantRole: 'tenant_admin' }))).toBe('tenant_owner');
  });

  it('reports the ceiling on denials that come before the ceiling step', () => {
    const d = decide(input({ actor: TENANT_ADMIN, freeze: { frozen: true, scope: 'all' } }));
    expect(d.ceiling).toBe('tenant_admin');
    expect(decide(input({ action: 'create_project', actor: PLATFORM_ADMIN, scopeCheck: 'tenant_not_found', target: null })).ceiling).toBe(
      'tenant_owner',
    );
  });
});

describe('step 1: freeze', () => {
  it('passes when not frozen', () => {
    expect(decide(input()).path[0]).toBe('freeze:pass');
  });

  it.each<PolicyAction>(['bind', 'revoke', 'create_tenant', 'create_project', 'rehome'])('ALL freeze refuses %s', (action) => {
    const d = decide(input({ action, freeze: { frozen: true, scope: 'all' } }));
    expectDenied(d, 'service_unavailable', 'mutations_frozen');
    expect(d.path).toEqual(['freeze:deny all']);
  });

  it('exempts setMutationFreeze itself, so a freeze can be lifted', () => {
    const d = decide(input({ action: 'freeze', scope: PLATFORM, actor: PLATFORM_ADMIN, target: null, requestedRole: null, freeze: { frozen: true, scope: 'all' } }));
    expectAllowed(d);
    expect(d.path[0]).toBe('freeze:pass exempt');
  });

  it('BULK freeze refuses bulk binds only', () => {
    const frozen = { frozen: true, scope: 'bulk' } as const;
    const bulk = decide(input({ scope: PROJECT, requestedRole: 'project_viewer', target: target({ tenantRole: 'tenant_member' }), bulk: true, freeze: frozen }));
    expectDenied(bulk, 'service_unavailable', 'mutations_frozen');
    expect(bulk.path).toEqual(['freeze:deny bulk']);

    const single = decide(input({ freeze: frozen }));
    expectAllowed(single);
    expect(single.path[0]).toBe('freeze:pass not_bulk');
  });

  it('ALL freeze refuses bulk binds too', () => {
    expectDenied(decide(input({ bulk: true, freeze: { frozen: true, scope: 'all' } })), 'service_unavailable', 'mutations_frozen');
  });
});

describe('step 2: scope', () => {
  it.each([
    ['scope_mismatch', 'insufficient_permissions'],
    ['tenant_not_found', 'not_found'],
    ['project_not_found', 'not_found'],
    ['user_not_found', 'not_found'],
  ] as const)('%s answers %s', (scopeCheck, code) => {
    const d = decide(input({ scopeCheck }));
    expectDenied(d, code, scopeCheck);
    expect(d.path).toEqual(['freeze:pass', `scope:deny`]);
  });

  it('a missing target is user_not_found', () => {
    expectDenied(decide(input({ target: null })), 'not_found', 'user_not_found');
  });

  it('revoking a membership the target does not hold is membership_not_found', () => {
    const revoke = { action: 'revoke', requestedRole: null } as const;
    expectDenied(decide(input({ ...revoke, target: target() })), 'not_found', 'membership_not_found');
    expectDenied(decide(input({ ...revoke, scope: PROJECT, target: target({ tenantRole: 'tenant_member' }) })), 'not_found', 'membership_not_found');
    const platform = input({ action: 'revoke', scope: PLATFORM, actor: PLATFORM_ADMIN, requestedRole: 'platform_auditor', target: target({ platformRoles: ['platform_admin'] }) });
    expectDenied(decide(platform), 'not_found', 'membership_not_found');
  });

  it('rehoming a user with no membership in the source tenant is membership_not_found', () => {
    const d = decide(REHOME({ rehome: rehome({ targetRoleInFromTenant: null }) }));
    expectDenied(d, 'not_found', 'membership_not_found');
    expect(d.path.at(-1)).toBe('scope:deny from_tenant');
  });

  it('passes when everything resolves', () => {
    expect(decide(input()).path[1]).toBe('scope:pass');
  });
});

describe('step 3: platform_admin', () => {
  const platformOnly: Array<[string, PolicyInput]> = [
    ['freeze', input({ action: 'freeze', scope: PLATFORM, target: null, requestedRole: null })],
    ['create_tenant', input({ action: 'create_tenant', scope: { kind: 'tenant', tenantId: null, projectId: null }, requestedRole: 'tenant_owner' })],
    ['rehome', REHOME()],
    ['platform bind', input({ scope: PLATFORM, requestedRole: 'platform_auditor' })],
    ['platform revoke', input({ action: 'revoke', scope: PLATFORM, requestedRole: 'platform_auditor', target: target({ platformRoles: ['platform_auditor'] }) })],
  ];

  it.each(platformOnly)('%s needs platform_admin', (_name, base) => {
    for (const who of [TENANT_OWNER, actor({ platformRoles: ['platform_auditor'] }), actor()]) {
      const d = decide({ ...base, actor: who });
      expectDenied(d, 'insufficient_permissions', 'platform_admin_required');
      expect(d.path.at(-1)).toBe('platform_admin:deny');
    }
    const d = decide({ ...base, actor: PLATFORM_ADMIN });
    expectAllowed(d);
    expect(d.path[2]).toBe('platform_admin:pass');
  });

  it('skips tenant and project actions', () => {
    expect(decide(input()).path[2]).toBe('platform_admin:skip');
    expect(decide(input({ action: 'create_project', target: null, requestedRole: null })).path[2]).toBe('platform_admin:skip');
  });
});

describe('step 4: ceiling on the requested role (rule 1)', () => {
  it('a tenant admin cannot grant tenant_owner', () => {
    const d = decide(input({ actor: TENANT_ADMIN, requestedRole: 'tenant_owner' }));
    expectDenied(d, 'insufficient_permissions', 'role_ceiling_exceeded');
    expect(d).toMatchObject({ ceiling: 'tenant_admin', requestedRole: 'tenant_owner' });
    expect(d.path.at(-1)).toBe('ceiling_requested:deny tenant_owner>tenant_admin');
  });

  it('a tenant admin cannot grant project_owner', () => {
    const d = decide(input({ scope: PROJECT, actor: TENANT_ADMIN, requestedRole: 'project_owner', target: target({ tenantRole: 'tenant_member' }) }));
    expectDenied(d, 'insufficient_permissions', 'role_ceiling_exceeded');
    expect(d.path.at(-1)).toBe('ceiling_requested:deny project_owner>project_admin');
  });

  it('no ceiling refuses even the lowest role', () => {
    const d = decide(input({ actor: TENANT_MEMBER }));
    expectDenied(d, 'insufficient_permissions', 'role_ceiling_exceeded');
    expect(d.ceiling).toBeNull();
    expect(d.path.at(-1)).toBe('ceiling_requested:deny tenant_member>none');
  });

  it('passes at the ceiling', () => {
    const d = decide(input({ actor: TENANT_ADMIN, requestedRole: 'tenant_admin' }));
    expectAllowed(d);
    expect(d.path[3]).toBe('ceiling_requested:pass tenant_admin<=tenant_admin');
  });

  it('create_project needs admin rank in the tenant', () => {
    const create = (who: ActorBindings) => decide(input({ action: 'create_project', actor: who, target: null, requestedRole: null }));
    for (const who of [PLATFORM_ADMIN, TENANT_OWNER, TENANT_ADMIN]) expectAllowed(create(who));
    expect(create(TENANT_ADMIN).path[3]).toBe('ceiling_requested:pass tenant_admin');
    for (const who of [TENANT_MEMBER, actor({ tenantRole: 'tenant_member', projectRole: 'project_owner' }), actor({ platformRoles: ['platform_auditor'] })]) {
      const d = create(who);
      expectDenied(d, 'insufficient_permissions', 'role_ceiling_exceeded');
      expect(d.path.at(-1)).toBe('ceiling_requested:deny none');
    }
  });

  it('create_tenant reads the tenant ceiling', () => {
    const d = decide(input({ action: 'create_tenant', actor: PLATFORM_ADMIN, requestedRole: 'tenant_owner', scope: { kind: 'tenant', tenantId: null, projectId: null } }));
    expectAllowed(d);
    expect(d.ceiling).toBe('tenant_owner');
  });

  it('a revoke names no role and skips it', () => {
    const d = decide(input({ action: 'revoke', requestedRole: null, target: target({ tenantRole: 'tenant_member' }) }));
    expectAllowed(d);
    expect(d.path[3]).toBe('ceiling_requested:skip no_requested_role');
  });

  it('a platform admin may assign every platform role', () => {
    for (const role of PLATFORM_ROLES) expectAllowed(decide(input({ scope: PLATFORM, actor: PLATFORM_ADMIN, requestedRole: role })));
  });
});

describe("step 5: ceiling on the target's current role (rule 2)", () => {
  it('a tenant admin cannot demote a tenant owner', () => {
    const d = decide(input({ actor: TENANT_ADMIN, target: target({ tenantRole: 'tenant_owner' }), requestedRole: 'tenant_member' }));
    expectDenied(d, 'insufficient_permissions', 'role_ceiling_exceeded');
    expect(d.path.at(-1)).toBe('ceiling_current:deny tenant_owner>tenant_admin');
  });

  it('a tenant admin cannot revoke a tenant owner', () => {
    const d = decide(input({ action: 'revoke', requestedRole: null, actor: TENANT_ADMIN, target: target({ tenantRole: 'tenant_owner' }) }));
    expectDenied(d, 'insufficient_permissions', 'role_ceiling_exceeded');
  });

  it('a direct project admin cannot revoke a project owner', () => {
    const d = decide(input({ action: 'revoke', scope: PROJECT, requestedRole: null, actor: actor({ tenantRole: 'tenant_member', projectRole: 'project_admin' }), target: target({ tenantRole: 'tenant_member', projectRole: 'project_owner' }) }));
    expectDenied(d, 'insufficient_permissions', 'role_ceiling_exceeded');
    expect(d.path.at(-1)).toBe('ceiling_current:deny project_owner>project_admin');
  });

  it('passes for a current role within the ceiling, and for none', () => {
    const promote = decide(input({ actor: TENANT_ADMIN, target: target({ tenantRole: 'tenant_member' }), requestedRole: 'tenant_admin' }));
    expectAllowed(promote);
    expect(promote.path[4]).toBe('ceiling_current:pass tenant_member<=tenant_admin');
    expect(decide(input()).path[4]).toBe('ceiling_current:pass none');
  });

  it('rehome checks the role in the destination tenant', () => {
    expect(decide(REHOME()).path[4]).toBe('ceiling_current:pass none');
    expect(decide(REHOME({ target: target({ tenantRole: 'tenant_admin' }) })).path[4]).toBe('ceiling_current:pass tenant_admin<=tenant_owner');
  });

  it('is skipped at platform scope, where platform_admin already decided', () => {
    expect(decide(input({ scope: PLATFORM, actor: PLATFORM_ADMIN, requestedRole: 'platform_auditor' })).path[4]).toBe('ceiling_current:skip');
  });
});

describe('step 6: target membership (rule 5)', () => {
  const projectBind = (over: Partial<PolicyInput> = {}) => input({ scope: PROJECT, requestedRole: 'project_editor', ...over });

  it('refuses a project binding for a user outside the tenant', () => {
    const d = decide(projectBind({ target: target() }));
    expectDenied(d, 'conflict', 'target_not_tenant_member');
    expect(d.path.at(-1)).toBe('target_membership:deny');
  });

  it('passes for a tenant member', () => {
    const d = decide(projectBind({ target: target({ tenantRole: 'tenant_member' }) }));
    expectAllowed(d);
    expect(d.path[5]).toBe('target_membership:pass tenant_member');
  });

  it('is skipped for tenant binds', () => {
    expect(decide(input()).path[5]).toBe('target_membership:skip');
  });
});

describe('step 7: cross-tenant membership (rule 6)', () => {
  const elsewhere = target({ otherActiveTenantIds: ['t2'] });

  it('strict tenancy refuses a tenant bind of a user active in another tenant', () => {
    const d = decide(input({ target: elsewhere }));
    expectDenied(d, 'conflict', 'cross_tenant_membership');
    expect(d.path.at(-1)).toBe('cross_tenant:deny');
  });

  it('strict tenancy refuses create_tenant and rehome the same way', () => {
    const create = input({ action: 'create_tenant', actor: PLATFORM_ADMIN, requestedRole: 'tenant_owner', target: elsewhere });
    expectDenied(decide(create), 'conflict', 'cross_tenant_membership');
    expectDenied(decide(REHOME({ target: elsewhere })), 'conflict', 'cross_tenant_membership');
  });

  it('shared tenancy allows it', () => {
    const d = decide(input({ target: elsewhere, tenancyMode: 'shared' }));
    expectAllowed(d);
    expect(d.path[6]).toBe('cross_tenant:skip shared');
  });

  it('passes a user active nowhere else, and skips project binds', () => {
    expect(decide(input()).path[6]).toBe('cross_tenant:pass');
    const project = decide(input({ scope: PROJECT, requestedRole: 'project_viewer', target: target({ tenantRole: 'tenant_member', otherActiveTenantIds: ['t2'] }) }));
    expectAllowed(project);
    expect(project.path[6]).toBe('cross_tenant:skip');
  });
});

describe('step 8: last owner (rule 4)', () => {
  const owner = target({ tenantRole: 'tenant_owner' });

  it('refuses to revoke or demote the last owner', () => {
    for (const change of [{ action: 'revoke', requestedRole: null }, { action: 'bind', requestedRole: 'tenant_admin' }] as const) {
      const d = decide(input({ ...change, target: owner, activeTenantOwners: 1 }));
      expectDenied(d, 'conflict', 'last_owner');
      expect(d.path.at(-1)).toBe('last_owner:deny');
    }
  });

  it('allows it while another owner remains', () => {
    expectAllowed(decide(input({ action: 'revoke', requestedRole: null, target: owner, activeTenantOwners: 2 })));
    expectAllowed(decide(input({ requestedRole: 'tenant_member', target: owner, activeTenantOwners: 2 })));
  });

  it('re-binding the last owner as owner is not a removal', () => {
    const d = decide(input({ requestedRole: 'tenant_owner', target: owner, activeTenantOwners: 1 }));
    expectAllowed(d);
    expect(d.changed).toBe(false);
  });

  it('refuses to rehome the last owner out of its tenant', () => {
    const d = decide(REHOME({ rehome: rehome({ targetRoleInFromTenant: 'tenant_owner', fromTenantActiveOwners: 1 }) }));
    expectDenied(d, 'conflict', 'last_owner');
    expect(d.path.at(-1)).toBe('last_owner:deny from_tenant');
    expectAllowed(decide(REHOME({ rehome: rehome({ targetRoleInFromTenant: 'tenant_owner', fromTenantActiveOwners: 2 }) })));
  });

  it('is skipped outside tenant scope', () => {
    expect(decide(input({ scope: PROJECT, requestedRole: 'project_viewer', target: target({ tenantRole: 'tenant_member' }) })).path[7]).toBe('last_owner:skip');
  });
});

describe('step 9: last platform admin (rule 4)', () => {
  const revokeAdmin = (activePlatformAdmins: number, who = PLATFORM_ADMIN) =>
    decide(input({ action: 'revoke', scope: PLATFORM, actor: who, requestedRole: 'platform_admin', target: target({ platformRoles: ['platform_admin'] }), activePlatformAdmins }));

  it('refuses to revoke the last platform admin', () => {
    const d = revokeAdmin(1);
    expectDenied(d, 'conflict', 'last_platform_admin');
    expect(d.path.at(-1)).toBe('last_platform_admin:deny');
  });

  it('refuses it also when the last admin revokes itself', () => {
    const self = decide(input({ action: 'revoke', scope: PLATFORM, actor: PLATFORM_ADMIN, requestedRole: 'platform_admin', target: target({ userId: 'actor', platformRoles: ['platform_admin'] }), activePlatformAdmins: 1 }));
    expectDenied(self, 'conflict', 'last_platform_admin');
  });

  it('allows it while another admin remains, and revoking auditor is never a last-admin question', () => {
    expectAllowed(revokeAdmin(2));
    const auditor = decide(input({ action: 'revoke', scope: PLATFORM, actor: PLATFORM_ADMIN, requestedRole: 'platform_auditor', target: target({ platformRoles: ['platform_auditor'] }), activePlatformAdmins: 1 }));
    expectAllowed(auditor);
    expect(auditor.path[8]).toBe('last_platform_admin:pass');
  });
});

describe('step 10: no-op binds (rule 9)', () => {
  it.each([
    ['tenant', input({ requestedRole: 'tenant_admin', target: target({ tenantRole: 'tenant_admin' }) })],
    ['project', input({ scope: PROJECT, requestedRole: 'project_editor', target: target({ tenantRole: 'tenant_member', projectRole: 'project_editor' }) })],
    ['platform', input({ scope: PLATFORM, actor: PLATFORM_ADMIN, requestedRole: 'platform_auditor', target: target({ platformRoles: ['platform_auditor'] }) })],
  ])('%s: binding the role already held is allowed and changes nothing', (_scope, request) => {
    const d = decide(request);
    expect(d).toMatchObject({ allowed: true, changed: false, code: null, reason: null });
    expect(d.path.at(-1)).toBe('noop:pass unchanged');
  });

  it('a real change is changed: true', () => {
    const d = decide(input({ requestedRole: 'tenant_admin', target: target({ tenantRole: 'tenant_member' }) }));
    expect(d).toMatchObject({ allowed: true, changed: true });
    expect(d.path.at(-1)).toBe('noop:pass');
  });

  it('a no-op bind still needs the ceiling', () => {
    const d = decide(input({ actor: TENANT_ADMIN, requestedRole: 'tenant_owner', target: target({ tenantRole: 'tenant_owner' }) }));
    expectDenied(d, 'insufficient_permissions', 'role_ceiling_exceeded');
  });

  it('is skipped for other actions', () => {
    expect(decide(input({ action: 'revoke', requestedRole: null, target: target({ tenantRole: 'tenant_member' }) })).path.at(-1)).toBe('noop:skip');
  });
});

describe('self-leave (rule 7)', () => {
  const leave = (scope: PolicyScope, who: ActorBindings, over: Partial<TargetBindings> = {}, owners = 2) =>
    decide(input({ action: 'revoke', scope, actor: who, requestedRole: null, activeTenantOwners: owners, target: target({ userId: who.userId, tenantRole: who.tenantRole, projectRole: who.projectRole, ...over }) }));

  it('anyone may leave a tenant or project, whatever its ceiling', () => {
    const member = leave(TENANT, TENANT_MEMBER);
    expectAllowed(member);
    expect(member.path.slice(3, 5)).toEqual(['ceiling_requested:skip self_leave', 'ceiling_current:skip self_leave']);
    expectAllowed(leave(PROJECT, actor({ tenantRole: 'tenant_member', projectRole: 'project_viewer' })));
  });

  it('the last owner may not leave', () => {
    const d = leave(TENANT, TENANT_OWNER, {}, 1);
    expectDenied(d, 'conflict', 'last_owner');
    expectAllowed(leave(TENANT, TENANT_OWNER, {}, 2));
  });

  it('leaving needs a membership to leave', () => {
    expectDenied(leave(PROJECT, TENANT_MEMBER), 'not_found', 'membership_not_found');
  });

  it('is subject to the freeze', () => {
    const d = decide(input({ action: 'revoke', requestedRole: null, actor: TENANT_MEMBER, target: target({ userId: 'actor', tenantRole: 'tenant_member' }), freeze: { frozen: true, scope: 'all' } }));
    expectDenied(d, 'service_unavailable', 'mutations_frozen');
  });

  it('does not let a user promote itself', () => {
    const d = decide(input({ actor: TENANT_MEMBER, requestedRole: 'tenant_admin', target: target({ userId: 'actor', tenantRole: 'tenant_member' }) }));
    expectDenied(d, 'insufficient_permissions', 'role_ceiling_exceeded');
  });

  it('does not cover platform roles', () => {
    const auditor = actor({ platformRoles: ['platform_auditor'] });
    const d = decide(input({ action: 'revoke', scope: PLATFORM, actor: auditor, requestedRole: 'platform_auditor', target: target({ userId: 'actor', platformRoles: ['platform_auditor'] }) }));
    expectDenied(d, 'insufficient_permissions', 'platform_admin_required');
  });
});

describe('step order (contract section 3)', () => {
  it('the freeze answers before scope', () => {
    const d = decide(input({ scopeCheck: 'scope_mismatch', freeze: { frozen: true, scope: 'all' } }));
    expect(d.reason).toBe('mutations_frozen');
  });

  it('scope answers before platform_admin_required for an actor that sees platform bindings', () => {
    const auditor = { userId: 'actor', platformRoles: ['platform_auditor' as const], tenantRole: null, projectRole: null };
    expect(decide(input({ actor: auditor, scope: PLATFORM, requestedRole: 'platform_admin', scopeCheck: 'user_not_found' })).reason).toBe('user_not_found');
    const revokeUnheld = input({ actor: auditor, action: 'revoke', scope: PLATFORM, requestedRole: 'platform_admin', target: target({ platformRoles: [] }) });
    expect(decide(revokeUnheld).reason).toBe('membership_not_found');
  });

  it('an actor without a platform role learns nothing about platform bindings: platform_admin_required answers', () => {
    const member = { userId: 'actor', platformRoles: [], tenantRole: 'tenant_owner' as const, projectRole: null };
    const missingUser = decide(input({ actor: member, scope: PLATFORM, requestedRole: 'platform_admin', scopeCheck: 'user_not_found' }));
    expect(missingUser.reason).toBe('platform_admin_required');
    expect(missingUser.path).toContain('scope:skip not_visible');
    const holder = decide(input({ actor: member, action: 'revoke', scope: PLATFORM, requestedRole: 'platform_admin', target: target({ platformRoles: ['platform_admin'] }) }));
    const nonHolder = decide(input({ actor: member, action: 'revoke', scope: PLATFORM, requestedRole: 'platform_admin', target: target({ platformRoles: [] }) }));
    expect([holder.reason, nonHolder.reason]).toEqual(['platform_admin_required', 'platform_admin_required']);
  });

  it('platform_admin_required answers before the ceiling', () => {
    expect(decide(REHOME({ actor: TENANT_MEMBER, requestedRole: 'tenant_owner' })).reason).toBe('platform_admin_required');
  });

  it('the requested role answers before the current role', () => {
    const d = decide(input({ actor: TENANT_ADMIN, requestedRole: 'tenant_owner', target: target({ tenantRole: 'tenant_owner' }) }));
    expect(d.path.at(-1)).toBe('ceiling_requested:deny tenant_owner>tenant_admin');
  });

  it('a ceiling denial answers before last_owner', () => {
    const d = decide(input({ action: 'revoke', requestedRole: null, actor: TENANT_ADMIN, target: target({ tenantRole: 'tenant_owner' }), activeTenantOwners: 1 }));
    expect(d.reason).toBe('role_ceiling_exceeded');
  });

  it('cross_tenant answers before last_owner', () => {
    const d = decide(input({ requestedRole: 'tenant_member', target: target({ tenantRole: 'tenant_owner', otherActiveTenantIds: ['t2'] }), activeTenantOwners: 1 }));
    expect(d.reason).toBe('cross_tenant_membership');
  });

  it('an allowed decision lists every step in order', () => {
    expect(decide(input()).path).toEqual([
      'freeze:pass',
      'scope:pass',
      'platform_admin:skip',
      'ceiling_requested:pass tenant_member<=tenant_owner',
      'ceiling_current:pass none',
      'target_membership:skip',
      'cross_tenant:pass',
      'last_owner:pass',
      'last_platform_admin:skip',
      'noop:pass',
    ]);
  });
});

describe('totality', () => {
  it('an unknown action is an internal error with a path', () => {
    const d = decide(input({ action: 'delete_everything' as PolicyAction }));
    expectDenied(d, 'internal_error', 'internal_error');
    expect(d.path).toEqual(['input:deny unknown_action']);
  });

  it('a role of the wrong scope is a validation failure', () => {
    const d = decide(input({ requestedRole: 'project_owner' }));
    expectDenied(d, 'invalid_request', 'validation_failed');
    expect(d.path).toEqual(['input:deny role_not_of_scope tenant']);
    expectDenied(decide(input({ requestedRole: null })), 'invalid_request', 'validation_failed');
  });

  it.each([
    ['null', null],
    ['an empty object', {}],
    ['a missing actor', { ...input(), actor: undefined }],
    ['an unknown scope check', { ...input(), scopeCheck: 'toString' }],
    ['an unknown scope kind', { ...input(), scope: { kind: 'galaxy', tenantId: null, projectId: null } }],
  ])('%s yields a refusal, never a throw', (_name, garbage) => {
    const d = decide(garbage as unknown as PolicyInput);
    expectDenied(d, 'internal_error', 'internal_error');
    expect(d.path.length).toBeGreaterThan(0);
  });
});

describe('properties', () => {
  const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
  const anyRole = fc.constantFrom<QualifiedRole>(...PLATFORM_ROLES, ...TENANT_ROLES, ...PROJECT_ROLES);
  const userId = fc.constantFrom('u1', 'u2');
  const policyInput: fc.Arbitrary<PolicyInput> = fc.record({
    action: fc.constantFrom<PolicyAction>('bind', 'revoke', 'create_tenant', 'create_project', 'rehome', 'freeze'),
    scope: fc.constantFrom(PLATFORM, TENANT, PROJECT),
    bulk: fc.boolean(),
    freeze: fc.record({ frozen: fc.boolean(), scope: opt(fc.constantFrom('bulk' as const, 'all' as const)) }),
    scopeCheck: fc.constantFrom('ok' as const, 'ok' as const, 'scope_mismatch' as const, 'user_not_found' as const),
    actor: fc.record({
      userId,
      platformRoles: fc.subarray([...PLATFORM_ROLES]),
      tenantRole: opt(fc.constantFrom(...TENANT_ROLES)),
      projectRole: opt(fc.constantFrom(...PROJECT_ROLES)),
    }),
    target: opt(
      fc.record({
        userId,
        platformRoles: fc.subarray([...PLATFORM_ROLES]),
        tenantRole: opt(fc.constantFrom(...TENANT_ROLES)),
        projectRole: opt(fc.constantFrom(...PROJECT_ROLES)),
        otherActiveTenantIds: fc.subarray(['t2', 't3']),
      }),
    ),
    requestedRole: opt(anyRole),
    tenancyMode: fc.constantFrom('strict' as const, 'shared' as const),
    activeTenantOwners: fc.nat(3),
    activePlatformAdmins: fc.nat(3),
    rehome: fc.record({ fromTenantId: fc.constant('t0'), targetRoleInFromTenant: opt(fc.constantFrom(...TENANT_ROLES)), fromTenantActiveOwners: fc.nat(3) }),
  });

  it('decide() never throws, and always explains itself', () => {
    fc.assert(
      fc.property(policyInput, (request) => {
        const d = decide(request);
        expect(d.path.length).toBeGreaterThan(0);
        for (const step of d.path) expect(step).toMatch(/^[a-z_]+:(pass|skip|deny)( \S+)*$/);
        expect(d.path.at(-1)!.includes(':deny')).toBe(!d.allowed);
        expect(d.code === null && d.reason === null).toBe(d.allowed);
        if (!d.allowed) expect(d.changed).toBe(false);
        expect(d.requestedRole).toBe(request.requestedRole);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary garbage', () => {
    fc.assert(
      fc.property(fc.anything(), (garbage) => {
        expect(decide(garbage as PolicyInput).path.length).toBeGreaterThan(0);
      }),
    );
  });

  it('allowed implies the change is within the ceiling, unless it is a self-leave', () => {
    fc.assert(
      fc.property(policyInput, (request) => {
        const d = decide(request);
        if (!d.allowed) return;
        const scope: ScopeKind = ['create_tenant', 'create_project', 'rehome'].includes(request.action) ? 'tenant' : request.scope.kind;
        const selfLeave = request.action === 'revoke' && scope !== 'platform' && request.target?.userId === request.actor.userId;
        if (selfLeave) return;
        switch (request.action) {
          case 'bind':
          case 'create_tenant':
          case 'rehome':
            expect(isAtOrBelow(request.requestedRole!, d.ceiling)).toBe(true);
            break;
          case 'revoke': {
            const current = scope === 'tenant' ? request.target!.tenantRole : scope === 'project' ? request.target!.projectRole : request.requestedRole;
            expect(isAtOrBelow(current!, d.ceiling)).toBe(true);
            break;
          }
          case 'create_project':
            expect(d.ceiling).not.toBeNull();
            break;
          case 'freeze':
            expect(request.actor.platformRoles).toContain('platform_admin');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
