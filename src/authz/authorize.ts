import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database, Executor } from '../db/client.js';
import { inOrder } from '../db/pipeline.js';
import { inTransaction } from '../db/transaction.js';
import { lockExistingChainHead } from '../modules/audit/audit-repository.js';
import { chainOf } from '../modules/audit/hash.js';
import { gatewayError } from '../errors/index.js';
import type { Decision, PolicyInput, ScopeCheck, TargetBindings } from '../policy/decision.js';
import { answeringRefusal, decide } from '../policy/engine.js';
import type { PlatformRole, TenantRole } from '../policy/roles.js';
import { checkScope, viewerBindings } from '../policy/visibility.js';
import {
  countActivePlatformAdmins,
  countActiveTenantOwners,
  readBindings,
  readProject,
  readSettings,
  readTenants,
  readUsers,
  type LockMode,
  type UserBindings,
} from './state-repository.js';
import type { AuthzGrant, AuthzRequest, AuthzState } from './types.js';

export interface AuthorizeContext {
  actorUserId: string;
  correlationId: string;
  traceId: string;
  log: Logger;
  operation: string;
}

export interface AuthorizeDeps {
  database: Database;
  config: Config;
  /** Told of every decision (metrics and traces, src/observability); must not throw. */
  observer?: DecisionObserver;
}

export interface DecisionEvent {
  request: AuthzRequest;
  /** The decision shown in the log: the denied item's, else the first. */
  decision: Decision;
  allowed: boolean;
  dryRun: boolean;
  /** performance.now() when the rows the decision depends on began to be read. */
  startedAt: number;
}

export type DecisionObserver = (event: DecisionEvent) => void;

interface Loaded {
  state: AuthzState;
  inputs: PolicyInput[];
}

function tenantRoleIn(bindings: UserBindings, userId: string, tenantId: string | null): TenantRole | null {
  if (tenantId === null) return null;
  return bindings.tenantMemberships.get(userId)?.find((m) => m.tenantId === tenantId)?.role ?? null;
}

/**
 * Reads (and, for a real mutation, locks) every row the decision depends on, in one fixed order
 * (settings, tenants by id, target users by id, then the tenant's audit chain head) so that
 * concurrent mutations cannot deadlock, and builds the policy engine's input for each item of the
 * request.
 */
async function load(tx: Executor, ctx: AuthorizeContext, request: AuthzRequest, config: Config, locking: boolean): Promise<Loaded> {
  const lock = (mode: LockMode): LockMode => (locking ? mode : 'none');
  const tenantIds = [request.tenantId, request.fromTenantId].filter((id): id is string => id !== null);
  const targetIds = [...new Set(request.items.map((i) => i.userId).filter((id): id is string => id !== null))];
  // One round trip, run by PostgreSQL in this order: each read after the locks before it.
  const [settings, tenantRows, project, existingTargets, bindings, auditHead] = await inOrder([
    // Platform-level changes take the settings row exclusively: this serialises every platform-role
    // change and freeze against all other mutations, which share it (last platform_admin race,
    // grant racing the revocation of the granter's platform role).
    () => readSettings(tx, lock(request.scope === 'platform' ? 'update' : 'share')),
    // The tenant row lock serialises every membership change inside a tenant: last-owner write
    // skew, grant racing the revocation of the granter's tenant role, revoke cascade vs project bind.
    () => readTenants(tx, tenantIds, lock('update')),
    // No lock: a project never changes tenant.
    () => (request.projectId === null ? null : readProject(tx, request.projectId)),
    // The target user row lock serialises binds of one user into different tenants (strict tenancy race).
    () => readUsers(tx, targetIds, lock('update')),
    () => readBindings(tx, [...new Set([ctx.actorUserId, ...targetIds])], request.projectId),
    // The change's audit rows extend this chain: locked now, the append needs no round trip of its own.
    () => (locking && request.tenantId !== null ? lockExistingChainHead(tx, chainOf(request.tenantId)) : null),
  ]);
  const tenant = tenantRows.find((t) => t.id === request.tenantId) ?? null;
  const fromTenant = tenantRows.find((t) => t.id === request.fromTenantId) ?? null;

  const viewer = viewerBindings(bindings.platformRoles.get(ctx.actorUserId) ?? [], bindings.tenantMemberships.get(ctx.actorUserId) ?? []);
  const scopeCheck = checkScope({
    viewer,
    tenantId: request.tenantId,
    tenantExists: tenant !== null,
    projectId: request.projectId,
    projectTenantId: project?.tenantId ?? null,
    extraTenants: request.fromTenantId === null ? [] : [{ id: request.fromTenantId, exists: fromTenant !== null }],
  });
  // Per item, so that a bulk refusal for a missing user names that user's item, not the first.
  const scopeCheckOf = (userId: string | null): ScopeCheck =>
    scopeCheck !== 'ok' || userId === null || existingTargets.has(userId) ? scopeCheck : 'user_not_found';

  const targetOf = (userId: string): TargetBindings => ({
    userId,
    platformRoles: bindings.platformRoles.get(userId) ?? [],
    tenantRole: tenantRoleIn(bindings, userId, request.tenantId),
    projectRole: bindings.projectRoles.get(userId) ?? null,
    otherActiveTenantIds: (bindings.tenantMemberships.get(userId) ?? [])
      .map((m) => m.tenantId)
      .filter((id) => id !== request.tenantId && id !== request.fromTenantId),
  });
  const targets = targetIds.map(targetOf);

  // Counts only where a rule needs them: they are the rows the last-owner/last-admin rules protect.
  const touchesOwner = request.tenantId !== null && targets.some((t) => t.tenantRole === 'tenant_owner');
  const activeTenantOwners = touchesOwner ? await countActiveTenantOwners(tx, request.tenantId!) : 0;
  const touchesPlatformAdmin = request.scope === 'platform' && targets.some((t) => t.platformRoles.includes('platform_admin'));
  const activePlatformAdmins = touchesPlatformAdmin ? await countActivePlatformAdmins(tx) : 0;
  const rehomeRole = request.fromTenantId === null || targets[0] === undefined ? null : tenantRoleIn(bindings, targets[0].userId, request.fromTenantId);
  const fromTenantActiveOwners = rehomeRole === 'tenant_owner' ? await countActiveTenantOwners(tx, request.fromTenantId!) : 0;

  const inputs = request.items.map(
    (item): PolicyInput => ({
      action: request.action,
      scope: { kind: request.scope, tenantId: request.tenantId, projectId: request.projectId },
      bulk: request.bulk,
      freeze: { frozen: settings.frozen, scope: (settings.freezeScope as 'bulk' | 'all' | null) ?? null },
      scopeCheck: scopeCheckOf(item.userId),
      actor: {
        userId: ctx.actorUserId,
        platformRoles: viewer.platformRoles as PlatformRole[],
        tenantRole: request.tenantId === null ? null : viewer.tenantRoles.get(request.tenantId) ?? null,
        projectRole: bindings.projectRoles.get(ctx.actorUserId) ?? null,
      },
      target: item.userId === null ? null : targetOf(item.userId),
      requestedRole: item.role,
      tenancyMode: config.tenancyMode,
      activeTenantOwners,
      activePlatformAdmins,
      ...(request.fromTenantId === null
        ? {}
        : { rehome: { fromTenantId: request.fromTenantId, targetRoleInFromTenant: rehomeRole, fromTenantActiveOwners } }),
    }),
  );
  const projectMemberships = new Map(targetIds.flatMap((id) => (bindings.projectRows.has(id) ? [[id, bindings.projectRows.get(id)!] as const] : [])));
  const auditHeads = new Map(auditHead === null ? [] : [[auditHead.chain, auditHead]]);
  return { state: { settings, tenant, project, fromTenant, projectMemberships, auditHeads }, inputs };
}

const DENIAL_MESSAGES: Partial<Record<string, (d: Decision) => string>> = {
  role_ceiling_exceeded: (d) =>
    d.path.some((s) => s.startsWith('ceiling_current:deny'))
      ? `The target's current role is above your grant ceiling here (${d.ceiling ?? 'none'})`
      : d.ceiling === null
        ? 'You may not grant, change or revoke roles at this scope (your ceiling here is none)'
        : `${d.requestedRole ?? 'This change'} is above your grant ceiling here (${d.ceiling}); retry with a role at or below it`,
  scope_mismatch: () => 'The tenant or project is not within your scope',
  platform_admin_required: () => 'This operation requires platform_admin',
  mutations_frozen: () => 'IAM mutations are paused by an operator (see iamStatus); retry later',
  last_owner: () => 'The change would leave the tenant without an active tenant_owner',
  last_platform_admin: () => 'The change would leave the platform without an active platform_admin',
  target_not_tenant_member: () => "The target user has no active membership in the project's tenant",
  cross_tenant_membership: () => 'The user is already active in another tenant; move users between tenants with rehomeUser',
  membership_not_found: () => 'The user holds no such active role here',
  tenant_not_found: () => 'Tenant not found',
  project_not_found: () => 'Project not found',
  user_not_found: () => 'User not found',
};

// Refusals of a whole bulk request: every item gets them alike, so naming one item would mislead.
const BATCH_REASONS: ReadonlySet<string> = new Set(['mutations_frozen', 'scope_mismatch', 'tenant_not_found', 'project_not_found', 'platform_admin_required']);

/** The item a bulk denial is about, or null when it refuses the whole batch (and for a single mutation). */
function itemIndexOf(request: AuthzRequest, decision: Decision | undefined, index: number): number | null {
  return request.bulk && index >= 0 && !BATCH_REASONS.has(decision?.reason ?? '') ? index : null;
}

function denialError(request: AuthzRequest, decision: Decision, index: number) {
  const reason = decision.reason ?? 'internal_error';
  const message = DENIAL_MESSAGES[reason]?.(decision) ?? 'Not permitted';
  const itemIndex = itemIndexOf(request, decision, index);
  return gatewayError(reason, itemIndex !== null ? `bindings[${itemIndex}]: ${message}` : message, {
    ceiling: decision.ceiling,
    requested_role: decision.requestedRole,
    scope: { tenant_id: request.tenantId, project_id: request.projectId },
    decision_path: decision.path,
    ...(itemIndex !== null ? { item_index: itemIndex } : {}),
  });
}

function logDecisions(
  ctx: AuthorizeContext,
  request: AuthzRequest,
  decisions: Decision[],
  deniedIndex: number,
  dryRun: boolean,
  observer: DecisionObserver | undefined,
  startedAt: number,
): void {
  const shown = decisions[deniedIndex >= 0 ? deniedIndex : 0];
  if (shown === undefined) return;
  observer?.({ request, decision: shown, allowed: deniedIndex < 0, dryRun, startedAt });
  ctx.log.info(
    {
      operation: ctx.operation,
      dry_run: dryRun,
      decision: {
        allowed: deniedIndex < 0,
        code: shown.code,
        reason: shown.reason,
        ceiling: shown.ceiling,
        requested_role: shown.requestedRole,
        path: shown.path,
        action: request.action,
        scope: { kind: request.scope, tenant_id: request.tenantId, project_id: request.projectId },
        target_user_id: request.items[deniedIndex >= 0 ? deniedIndex : 0]?.userId ?? null,
        ...(request.bulk ? { items: decisions.length, item_index: itemIndexOf(request, shown, deniedIndex) } : {}),
      },
    },
    deniedIndex < 0 ? 'authorization allowed' : 'authorization denied',
  );
}

/**
 * The one place where decisions meet transactions: lock, decide every item, and only when all
 * are allowed run the change (with its audit rows) in the same transaction.
 */
export async function authorizeAndRun<T>(
  deps: AuthorizeDeps,
  ctx: AuthorizeContext,
  request: AuthzRequest,
  run: (grant: AuthzGrant) => Promise<T>,
): Promise<T> {
  return inTransaction(
    deps.database,
    async (tx) => {
      const startedAt = performance.now();
      const { state, inputs } = await load(tx, ctx, request, deps.config, true);
      const decisions = inputs.map(decide);
      const deniedIndex = answeringRefusal(decisions);
      logDecisions(ctx, request, decisions, deniedIndex, false, deps.observer, startedAt);
      if (deniedIndex >= 0) throw denialError(request, decisions[deniedIndex]!, deniedIndex);
      return run({ tx, request, state, decisions, actorUserId: ctx.actorUserId, correlationId: ctx.correlationId, traceId: ctx.traceId });
    },
    { retries: deps.config.transactionRetries },
  );
}

/** The decision the mutation would get now, from the same loader and engine, without locks or writes. */
export async function explain(deps: AuthorizeDeps, ctx: AuthorizeContext, request: AuthzRequest): Promise<Decision> {
  const startedAt = performance.now();
  const { inputs } = await load(deps.database.db, ctx, request, deps.config, false);
  const decision = decide(inputs[0]!);
  logDecisions(ctx, request, [decision], decision.allowed ? -1 : 0, true, deps.observer, startedAt);
  return decision;
}
