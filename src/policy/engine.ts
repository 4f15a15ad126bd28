// The one policy function (contract section 2): every path that changes who holds what asks decide().
// Pure and total: no I/O, and any input, even one that breaks the types, gets a Decision with a path.

import type { ErrorCode, ReasonOf } from '../errors/codes.js';
import type { ActorBindings, Decision, PolicyAction, PolicyInput, PolicyStep, ScopeCheck } from './decision.js';
import { higherOf, isAtOrBelow, isQualifiedRole, scopeOfRole } from './roles.js';
import type { PlatformRole, ProjectRole, QualifiedRole, ScopeKind, TenantRole } from './roles.js';

interface Ceilings {
  tenant: TenantRole | null;
  project: ProjectRole | null;
  platform: PlatformRole | null;
}

const NONE: Ceilings = { tenant: null, project: null, platform: null };

// Contract section 2, row for row. A direct project role exists only for the project in scope, so
// "(that project)" holds by construction; a tenant_member's project ceiling comes from the project_* row
// it also holds. platform_admin "may assign and revoke" every platform role: its ceiling is the top one.
const CEILING_TABLE: Readonly<Record<QualifiedRole, Ceilings>> = {
  //                 tenant ceiling          project ceiling           platform roles
  platform_admin:   { tenant: 'tenant_owner', project: 'project_owner', platform: 'platform_admin' },
  tenant_owner:     { tenant: 'tenant_owner', project: 'project_owner', platform: null },
  tenant_admin:     { tenant: 'tenant_admin', project: 'project_admin', platform: null },
  tenant_member:    NONE,
  project_owner:    { tenant: null,           project: 'project_owner', platform: null },
  project_admin:    { tenant: null,           project: 'project_admin', platform: null },
  project_editor:   NONE,
  project_viewer:   NONE,
  platform_auditor: NONE,
};

/** The highest role the actor may grant, change or revoke at a scope: the best row among the roles it holds. */
export function ceilingAt(kind: ScopeKind, actor: ActorBindings): QualifiedRole | null {
  const held = [...actor.platformRoles, actor.tenantRole, actor.projectRole];
  let ceiling: QualifiedRole | null = null;
  for (const role of held) {
    // A role name outside the contract grants nothing, rather than whatever a prototype lookup finds.
    if (role !== null && isQualifiedRole(role)) ceiling = higherOf(ceiling, CEILING_TABLE[role][kind]);
  }
  return ceiling;
}

type Denial = { kind: 'deny'; code: ErrorCode; reason: ReasonOf<ErrorCode>; detail?: string };
type Outcome = { kind: 'pass' | 'skip'; detail?: string; unchanged?: boolean } | Denial;

const pass = (detail?: string): Outcome => (detail === undefined ? { kind: 'pass' } : { kind: 'pass', detail });
const skip = (detail?: string): Outcome => (detail === undefined ? { kind: 'skip' } : { kind: 'skip', detail });
function deny<C extends ErrorCode>(code: C, reason: ReasonOf<C>, detail?: string): Denial {
  return detail === undefined ? { kind: 'deny', code, reason } : { kind: 'deny', code, reason, detail };
}

interface Context {
  input: PolicyInput;
  /** Where the ceiling is read: tenant scope for the actions that create or move tenant memberships. */
  scope: ScopeKind;
  ceiling: QualifiedRole | null;
  /** Rule 7: anyone may revoke its own tenant or project membership, whatever its ceiling. */
  selfLeave: boolean;
  /** The target's current single role at a tenant or project scope (direct, for a project). */
  current: QualifiedRole | null;
}

const SCOPES: readonly ScopeKind[] = ['platform', 'tenant', 'project'];
const ACTIONS: readonly PolicyAction[] = ['bind', 'revoke', 'create_tenant', 'create_project', 'rehome', 'freeze'];
const TENANT_SCOPED: readonly PolicyAction[] = ['create_tenant', 'create_project', 'rehome'];
/** Actions whose requestedRole is the role being granted; a platform revoke also names its role. */
const ROLE_ACTIONS: readonly PolicyAction[] = ['bind', 'create_tenant', 'rehome'];

function scopeDenial(check: ScopeCheck): Denial {
  switch (check) {
    case 'scope_mismatch':
      return deny('insufficient_permissions', 'scope_mismatch');
    case 'tenant_not_found':
    case 'project_not_found':
    case 'user_not_found':
      return deny('not_found', check);
    default:
      return deny('internal_error', 'internal_error', 'unknown_scope_check');
  }
}

function compare(role: QualifiedRole | null, ceiling: QualifiedRole | null): Outcome {
  return role !== null && isAtOrBelow(role, ceiling)
    ? pass(`${role}<=${ceiling}`)
    : deny('insufficient_permissions', 'role_ceiling_exceeded', `${role ?? 'none'}>${ceiling ?? 'none'}`);
}

function freezeStep({ input }: Context): Outcome {
  const { frozen, scope } = input.freeze;
  if (!frozen) return pass();
  // setMutationFreeze itself must keep working, or a freeze could never be lifted.
  if (input.action === 'freeze') return pass('exempt');
  if (scope === 'all' || (scope === 'bulk' && input.bulk)) return deny('service_unavailable', 'mutations_frozen', scope);
  return pass('not_bulk');
}

function scopeStep({ input, scope, current }: Context): Outcome {
  const { action, target } = input;
  // not_found answers only within what the actor may see (section 3): platform role bindings are
  // not visible to an actor without a platform role, so it must not learn from this step who holds
  // one (or which user ids exist); the platform_admin step refuses it next.
  if (scope === 'platform' && input.actor.platformRoles.length === 0) return skip('not_visible');
  if (input.scopeCheck !== 'ok') return scopeDenial(input.scopeCheck);
  if (target === null && action !== 'create_project' && action !== 'freeze') return deny('not_found', 'user_not_found');
  if (action === 'revoke') {
    const held = scope === 'platform'
      ? target!.platformRoles.includes(input.requestedRole as PlatformRole)
      : current !== null;
    if (!held) return deny('not_found', 'membership_not_found');
  }
  if (action === 'rehome' && !input.rehome?.targetRoleInFromTenant) {
    return deny('not_found', 'membership_not_found', 'from_tenant');
  }
  return pass();
}

function platformAdminStep({ input, scope }: Context): Outcome {
  const platformOnly = ['freeze', 'create_tenant', 'rehome'].includes(input.action) || scope === 'platform';
  if (!platformOnly) return skip();
  return input.actor.platformRoles.includes('platform_admin')
    ? pass()
    : deny('insufficient_permissions', 'platform_admin_required');
}

function ceilingRequestedStep({ input, ceiling, selfLeave }: Context): Outcome {
  if (selfLeave) return skip('self_leave');
  switch (input.action) {
    case 'freeze':
      return skip();
    case 'revoke':
      return skip('no_requested_role');
    case 'create_project':
      // Creating a project needs admin rank in its tenant, nothing is granted.
      return ceiling !== null ? pass(ceiling) : deny('insufficient_permissions', 'role_ceiling_exceeded', 'none');
    default:
      return compare(input.requestedRole, ceiling);
  }
}

function ceilingCurrentStep({ input, scope, ceiling, selfLeave, current }: Context): Outcome {
  if (selfLeave) return skip('self_leave');
  // Platform roles are a set, not one current role: platform_admin (step 3) may change any of them.
  if (!['bind', 'revoke', 'rehome'].includes(input.action) || scope === 'platform') return skip();
  return current === null ? pass('none') : compare(current, ceiling);
}

function targetMembershipStep({ input, scope }: Context): Outcome {
  if (input.action !== 'bind' || scope !== 'project') return skip();
  const tenantRole = input.target!.tenantRole;
  return tenantRole !== null ? pass(tenantRole) : deny('conflict', 'target_not_tenant_member');
}

function crossTenantStep({ input, scope }: Context): Outcome {
  // Anything but an explicit 'shared' is strict: strict is the contract's default.
  if (input.tenancyMode === 'shared') return skip('shared');
  const joinsTenant =
    (input.action === 'bind' && scope === 'tenant') || input.action === 'create_tenant' || input.action === 'rehome';
  if (!joinsTenant) return skip();
  return input.target!.otherActiveTenantIds.length > 0 ? deny('conflict', 'cross_tenant_membership') : pass();
}

function lastOwnerStep({ input, scope }: Context): Outcome {
  const { action, target } = input;
  if (action === 'rehome') {
    const { targetRoleInFromTenant, fromTenantActiveOwners } = input.rehome!;
    const lastOwner = targetRoleInFromTenant === 'tenant_owner' && fromTenantActiveOwners <= 1;
    return lastOwner ? deny('conflict', 'last_owner', 'from_tenant') : pass();
  }
  if (scope !== 'tenant' || (action !== 'bind' && action !== 'revoke')) return skip();
  const removesOwner = target!.tenantRole === 'tenant_owner' && (action === 'revoke' || input.requestedRole !== 'tenant_owner');
  return removesOwner && input.activeTenantOwners <= 1 ? deny('conflict', 'last_owner') : pass();
}

function lastPlatformAdminStep({ input, scope }: Context): Outcome {
  if (input.action !== 'revoke' || scope !== 'platform') return skip();
  // The scope step already made sure the target holds the role it loses.
  const last = input.requestedRole === 'platform_admin' && input.activePlatformAdmins <= 1;
  return last ? deny('conflict', 'last_platform_admin') : pass();
}

function noopStep({ input, scope, current }: Context): Outcome {
  if (input.action !== 'bind') return skip();
  const role = input.requestedRole as QualifiedRole;
  const holds = scope === 'platform' ? input.target!.platformRoles.includes(role as PlatformRole) : current === role;
  return holds ? { kind: 'pass', detail: 'unchanged', unchanged: true } : pass();
}

// Contract section 3: where several rules would refuse, the first in this order answers.
const STEPS: ReadonlyArray<readonly [PolicyStep, (context: Context) => Outcome]> = [
  ['freeze', freezeStep],
  ['scope', scopeStep],
  ['platform_admin', platformAdminStep],
  ['ceiling_requested', ceilingRequestedStep],
  ['ceiling_current', ceilingCurrentStep],
  ['target_membership', targetMembershipStep],
  ['cross_tenant', crossTenantStep],
  ['last_owner', lastOwnerStep],
  ['last_platform_admin', lastPlatformAdminStep],
  ['noop', noopStep],
];

function entry(step: string, outcome: Outcome): string {
  return `${step}:${outcome.kind}${outcome.detail ? ` ${outcome.detail}` : ''}`;
}

/**
 * Validation belongs to the caller (it answers before the freeze); this is the last line of defence and
 * appears in the path only when it refuses. A role of the wrong scope is malformed input, not a ceiling
 * question: explainGrant takes qualified names, so a client can send one.
 */
function checkInput(input: PolicyInput, scope: ScopeKind): Denial | null {
  if (!ACTIONS.includes(input.action)) return deny('internal_error', 'internal_error', 'unknown_action');
  const namesRole = ROLE_ACTIONS.includes(input.action) || (input.action === 'revoke' && scope === 'platform');
  const role = input.requestedRole;
  if (namesRole && !(typeof role === 'string' && isQualifiedRole(role) && scopeOfRole(role) === scope)) {
    return deny('invalid_request', 'validation_failed', `role_not_of_scope ${scope}`);
  }
  return null;
}

export function decide(input: PolicyInput): Decision {
  const path: string[] = [];
  const requestedRole = echoRole(input);
  let ceiling: QualifiedRole | null = null;
  let step = 'input';
  const refuse = (outcome: Denial): Decision => {
    path.push(entry(step, outcome));
    return { allowed: false, code: outcome.code, reason: outcome.reason, ceiling, requestedRole, changed: false, path };
  };
  try {
    const scope: ScopeKind = TENANT_SCOPED.includes(input.action) ? 'tenant' : input.scope.kind;
    if (!SCOPES.includes(scope)) return refuse(deny('internal_error', 'internal_error', 'unknown_scope'));
    ceiling = ceilingAt(scope, input.actor);
    const invalid = checkInput(input, scope);
    if (invalid) return refuse(invalid);

    const { target } = input;
    const current = target === null || scope === 'platform' ? null : scope === 'tenant' ? target.tenantRole : target.projectRole;
    const selfLeave = input.action === 'revoke' && scope !== 'platform' && target !== null && target.userId === input.actor.userId;
    const context: Context = { input, scope, ceiling, selfLeave, current };

    let changed = true;
    for (const [name, run] of STEPS) {
      step = name;
      const outcome = run(context);
      if (outcome.kind === 'deny') return refuse(outcome);
      path.push(entry(name, outcome));
      if (outcome.unchanged) changed = false;
    }
    return { allowed: true, code: null, reason: null, ceiling, requestedRole, changed, path };
  } catch {
    // Only a caller breaking the input types gets here; refuse rather than guess.
    return refuse(deny('internal_error', 'internal_error', 'malformed_input'));
  }
}

function echoRole(input: PolicyInput): QualifiedRole | null {
  const role: unknown = (input as Partial<PolicyInput> | null | undefined)?.requestedRole;
  return typeof role === 'string' && isQualifiedRole(role) ? role : null;
}

// 'input' (checkInput) answers before every step.
const STEP_ORDER: readonly string[] = ['input', ...STEPS.map(([name]) => name)];

function refusingStepRank(decision: Decision): number {
  const last = decision.path[decision.path.length - 1] ?? '';
  return Math.max(0, STEP_ORDER.indexOf(last.slice(0, last.indexOf(':'))));
}

/**
 * The refused item that answers for a request of several items (bulk), -1 when all are allowed.
 * Section 3's order holds across items too: an item over the ceiling answers before another item's
 * state conflict, whatever their positions; among items refused at the same step, the first.
 */
export function answeringRefusal(decisions: readonly Decision[]): number {
  let answer = -1;
  decisions.forEach((decision, index) => {
    if (!decision.allowed && (answer < 0 || refusingStepRank(decision) < refusingStepRank(decisions[answer]!))) answer = index;
  });
  return answer;
}
