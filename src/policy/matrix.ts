// The policy matrix (docs/policy-matrix.md) is rendered from decide() itself, so the document cannot
// drift from the engine: a unit test compares the committed file with this output.

import type { ActorBindings, Decision, PolicyInput, PolicyScope, TargetBindings } from './decision.js';
import { ceilingAt, decide } from './engine.js';
import { PLATFORM_ROLES, PROJECT_ROLES, TENANT_ROLES, scopeOfRole } from './roles.js';
import type { QualifiedRole, ScopeKind } from './roles.js';

type Bindings = Partial<Omit<ActorBindings, 'userId'>>;

// Holders of a direct project role are tenant members too: rule 5 allows no other way to hold one.
const ACTORS: ReadonlyArray<readonly [string, Bindings]> = [
  ['platform_admin', { platformRoles: ['platform_admin'] }],
  ['platform_auditor', { platformRoles: ['platform_auditor'] }],
  ['tenant_owner', { tenantRole: 'tenant_owner' }],
  ['tenant_admin', { tenantRole: 'tenant_admin' }],
  ['tenant_member', { tenantRole: 'tenant_member' }],
  ['direct project_owner', { tenantRole: 'tenant_member', projectRole: 'project_owner' }],
  ['direct project_admin', { tenantRole: 'tenant_member', projectRole: 'project_admin' }],
  ['project_editor', { tenantRole: 'tenant_member', projectRole: 'project_editor' }],
  ['project_viewer', { tenantRole: 'tenant_member', projectRole: 'project_viewer' }],
  ['no role', {}],
];

const REQUESTED: readonly QualifiedRole[] = [...TENANT_ROLES, ...PROJECT_ROLES, ...PLATFORM_ROLES];

const SCOPES: Record<ScopeKind, PolicyScope> = {
  platform: { kind: 'platform', tenantId: null, projectId: null },
  tenant: { kind: 'tenant', tenantId: 't1', projectId: null },
  project: { kind: 'project', tenantId: 't1', projectId: 'p1' },
};

function actorOf(bindings: Bindings): ActorBindings {
  return { userId: 'actor', platformRoles: [], tenantRole: null, projectRole: null, ...bindings };
}

/** Another user: a tenant member for project roles (rule 5), holding `role` when it is to be revoked. */
function targetFor(role: QualifiedRole, holds: boolean): TargetBindings {
  const scope = scopeOfRole(role);
  return {
    userId: 'target',
    platformRoles: scope === 'platform' && holds ? [role as TargetBindings['platformRoles'][number]] : [],
    tenantRole: scope === 'project' ? 'tenant_member' : scope === 'tenant' && holds ? (role as TargetBindings['tenantRole']) : null,
    projectRole: scope === 'project' && holds ? (role as TargetBindings['projectRole']) : null,
    otherActiveTenantIds: [],
  };
}

function ask(actor: ActorBindings, role: QualifiedRole, action: 'bind' | 'revoke'): Decision {
  const scope = scopeOfRole(role);
  const input: PolicyInput = {
    action,
    scope: SCOPES[scope],
    bulk: false,
    freeze: { frozen: false, scope: null },
    scopeCheck: 'ok',
    actor,
    target: targetFor(role, action === 'revoke'),
    // A tenant or project revoke names no role; a platform revoke names the one it takes away.
    requestedRole: action === 'bind' || scope === 'platform' ? role : null,
    tenancyMode: 'strict',
    activeTenantOwners: 2,
    activePlatformAdmins: 2,
  };
  return decide(input);
}

const code = (role: QualifiedRole | null): string => (role === null ? 'none' : `\`${role}\``);
const cell = (d: Decision): string => (d.allowed ? '✅' : `❌ \`${d.reason}\``);

function actorSection(label: string, actor: ActorBindings): string[] {
  return [
    `## ${label}`,
    '',
    `Tenant ceiling ${code(ceilingAt('tenant', actor))}, project ceiling ${code(ceilingAt('project', actor))}, platform ${code(ceilingAt('platform', actor))}.`,
    '',
    '| requested role | grant | revoke |',
    '|---|---|---|',
    ...REQUESTED.map((role) => `| \`${role}\` | ${cell(ask(actor, role, 'bind'))} | ${cell(ask(actor, role, 'revoke'))} |`),
    '',
  ];
}

export function renderPolicyMatrix(): string {
  const actors = ACTORS.map(([label, bindings]) => [label, actorOf(bindings)] as const);
  const lines = [
    '# Policy matrix',
    '',
    'Generated from `decide()` (`src/policy/engine.ts`) by `npm run -s policy:matrix > docs/policy-matrix.md`.',
    'Do not edit by hand: `test/unit/policy-matrix.test.ts` fails when this file and the engine disagree.',
    '',
    'Every cell asks the engine about another user in tenant `t1` (and its project `p1`), with all ids',
    'resolved, no freeze, strict tenancy, and two tenant owners and two platform admins, so that only the',
    'ceilings and `platform_admin_required` decide. **Grant** binds the role to a user holding no role at',
    'that scope (a tenant member, for a project role); **revoke** takes it from a user who holds it.',
    'Holders of a direct project role are tenant members as well (rule 5). In a real request an actor',
    'outside the tenant is answered `scope_mismatch` first. Not shown: leaving, i.e. revoking one\'s own',
    'tenant or project membership, which anyone may do unless it removes the last owner (rule 7).',
    '',
    '## Ceilings',
    '',
    '| actor | tenant ceiling | project ceiling | platform roles |',
    '|---|---|---|---|',
    ...actors.map(
      ([label, actor]) =>
        `| ${label} | ${code(ceilingAt('tenant', actor))} | ${code(ceilingAt('project', actor))} | ${code(ceilingAt('platform', actor))} |`,
    ),
    '',
    ...actors.flatMap(([label, actor]) => actorSection(label, actor)),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
