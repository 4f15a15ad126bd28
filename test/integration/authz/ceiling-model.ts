// The expected outcome of every cell of the ceiling table, written from the contract (sections 2
// and 3) alone. It deliberately imports nothing from src/: an engine bug copied into the
// expectation would make the table test pass on the bug.

export type Scope = 'platform' | 'tenant' | 'project';

/** Contract section 1, highest first. */
export const ROLES = {
  platform: ['platform_admin', 'platform_auditor'],
  tenant: ['tenant_owner', 'tenant_admin', 'tenant_member'],
  project: ['project_owner', 'project_admin', 'project_editor', 'project_viewer'],
} as const satisfies Record<Scope, readonly string[]>;

export type Role = (typeof ROLES)[Scope][number];

/** The actor rows of the section 2 table, plus a user with no role in the tenant. */
export const ACTOR_KINDS = [
  'platform_admin',
  'platform_auditor',
  'tenant_owner',
  'tenant_admin',
  'tenant_member',
  'member+project_owner',
  'member+project_admin',
  'member+project_editor',
  'member+project_viewer',
  'outsider',
] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export const OPS = ['tenant_bind', 'project_bind', 'tenant_revoke', 'project_revoke', 'platform_assign', 'platform_revoke'] as const;
export type Op = (typeof OPS)[number];

export const SCOPE_OF: Record<Op, Scope> = {
  tenant_bind: 'tenant',
  tenant_revoke: 'tenant',
  project_bind: 'project',
  project_revoke: 'project',
  platform_assign: 'platform',
  platform_revoke: 'platform',
};

export interface CeilingCase {
  actor: ActorKind;
  op: Op;
  /** The role asked for: granted by a bind or assign, taken by a platform revoke; null for a tenant or project revoke. */
  requested: Role | null;
  /** The target's role at the scope before the call (for platform scope: the one platform role it holds), or none. */
  current: Role | null;
}

export type DenyingRule = 'scope' | 'not_found' | 'platform_admin' | 'ceiling_requested' | 'ceiling_current';

export interface Expected {
  allowed: boolean;
  code: string | null;
  reason: string | null;
  /** The actor's ceiling at the scope, qualified, null for none. */
  ceiling: Role | null;
  requestedRole: Role | null;
  /** Rule 9: a bind of the role already held succeeds without a change. */
  changed: boolean;
  /** The rule of section 3's order that refused the call; null when allowed. */
  rule: DenyingRule | null;
  /** The roles the target holds at the scope after the call (platform roles are a set). */
  after: Role[];
}

// Contract section 2, the ceiling table, row for row. "platform roles: may assign and revoke" is
// written as the top platform role; every other row has none there.
const CEILINGS: Record<ActorKind, Record<Scope, Role | null>> = {
  platform_admin: { tenant: 'tenant_owner', project: 'project_owner', platform: 'platform_admin' },
  platform_auditor: { tenant: null, project: null, platform: null },
  tenant_owner: { tenant: 'tenant_owner', project: 'project_owner', platform: null },
  tenant_admin: { tenant: 'tenant_admin', project: 'project_admin', platform: null },
  tenant_member: { tenant: null, project: null, platform: null },
  'member+project_owner': { tenant: null, project: 'project_owner', platform: null },
  'member+project_admin': { tenant: null, project: 'project_admin', platform: null },
  'member+project_editor': { tenant: null, project: null, platform: null },
  'member+project_viewer': { tenant: null, project: null, platform: null },
  outsider: { tenant: null, project: null, platform: null },
};

const PLATFORM_VIEWERS: readonly ActorKind[] = ['platform_admin', 'platform_auditor'];

const CODE_OF_REASON: Record<string, string> = {
  scope_mismatch: 'insufficient_permissions',
  platform_admin_required: 'insufficient_permissions',
  role_ceiling_exceeded: 'insufficient_permissions',
  membership_not_found: 'not_found',
};

export function ceilingOf(actor: ActorKind, scope: Scope): Role | null {
  return CEILINGS[actor][scope];
}

function atOrBelow(role: Role, ceiling: Role | null, scope: Scope): boolean {
  if (ceiling === null) return false;
  const order: readonly string[] = ROLES[scope];
  return order.indexOf(role) >= order.indexOf(ceiling);
}

const isBind = (op: Op): boolean => op === 'tenant_bind' || op === 'project_bind' || op === 'platform_assign';

/**
 * Section 3's order: scope, not_found, platform_admin_required, the ceiling on the requested role,
 * then on the target's current role; state conflicts cannot arise in the table (the tenant keeps a
 * second owner, the platform a second admin, every project target is a tenant member, no target is
 * active in another tenant).
 */
export function expectedOutcome(c: CeilingCase): Expected {
  const scope = SCOPE_OF[c.op];
  const ceiling = ceilingOf(c.actor, scope);
  const requestedRole = isBind(c.op) || c.op === 'platform_revoke' ? c.requested : null;
  const deny = (reason: string, rule: DenyingRule): Expected => ({
    allowed: false,
    rule,
    code: CODE_OF_REASON[reason]!,
    reason,
    ceiling,
    requestedRole,
    changed: false,
    after: c.current === null ? [] : [c.current],
  });

  if (scope !== 'platform' && c.actor === 'outsider') return deny('scope_mismatch', 'scope');
  const revokesNothing = c.op === 'platform_revoke' ? c.current !== c.requested : !isBind(c.op) && c.current === null;
  // Platform bindings are outside what an actor without a platform role may see: it is refused as
  // not a platform admin before it could learn whether the target holds the role.
  const seesTarget = scope !== 'platform' || PLATFORM_VIEWERS.includes(c.actor);
  if (revokesNothing && seesTarget) return deny('membership_not_found', 'not_found');
  if (scope === 'platform' && c.actor !== 'platform_admin') return deny('platform_admin_required', 'platform_admin');
  if (isBind(c.op) && !atOrBelow(c.requested!, ceiling, scope)) return deny('role_ceiling_exceeded', 'ceiling_requested');
  // Rule 2. Platform roles are held as a set, and only platform_admin reaches this point for them.
  if (scope !== 'platform' && c.current !== null && !atOrBelow(c.current, ceiling, scope)) return deny('role_ceiling_exceeded', 'ceiling_current');

  const changed = !(isBind(c.op) && c.current === c.requested);
  const held = c.current === null ? [] : [c.current];
  const after = !isBind(c.op)
    ? held.filter((r) => scope === 'platform' && r !== c.requested)
    : scope === 'platform'
      ? [...new Set([...held, c.requested!])]
      : [c.requested!];
  return { allowed: true, rule: null, code: null, reason: null, ceiling, requestedRole, changed, after };
}

/** Every (requested role, current role) pair of one scope and action. */
function casesOf(actor: ActorKind, op: Op): CeilingCase[] {
  const roles: readonly Role[] = ROLES[SCOPE_OF[op]];
  const currents: (Role | null)[] = [null, ...roles];
  const requested: (Role | null)[] = isBind(op) || op === 'platform_revoke' ? [...roles] : [null];
  return requested.flatMap((r) => currents.map((current) => ({ actor, op, requested: r, current })));
}

export function casesFor(actor: ActorKind): CeilingCase[] {
  return OPS.flatMap((op) => casesOf(actor, op));
}

export function describeCase(c: CeilingCase): string {
  return `${c.actor} ${c.op} ${c.requested ?? '-'} on ${c.current ?? 'none'}`;
}

export function isPlatformViewer(actor: ActorKind): boolean {
  return PLATFORM_VIEWERS.includes(actor);
}
