import type { PolicyInput, TargetBindings } from '../../src/policy/decision.js';
import { decide } from '../../src/policy/engine.js';

export interface PolicyPhaseOptions {
  seconds: number;
}

export interface PolicyResult {
  decisions: number;
  decisionsPerSecond: number;
  microsPerDecision: number;
  /** CPU time (user + system) per decision: less sensitive than wall time to other load on the machine. */
  cpuMicrosPerDecision: number;
  /** Kinds of input in the mix, and the share of them the engine allows. */
  inputKinds: number;
  allowedShare: number;
}

const TENANT = '00000000-0000-4000-8000-000000000001';
const OTHER_TENANT = '00000000-0000-4000-8000-000000000002';
const PROJECT = '00000000-0000-4000-8000-000000000003';
const ACTOR = '00000000-0000-4000-8000-0000000000a1';
const TARGET = '00000000-0000-4000-8000-0000000000b1';

function target(overrides: Partial<TargetBindings> = {}): TargetBindings {
  return { userId: TARGET, platformRoles: [], tenantRole: 'tenant_member', projectRole: 'project_viewer', otherActiveTenantIds: [], ...overrides };
}

function input(overrides: Partial<PolicyInput>): PolicyInput {
  return {
    action: 'bind',
    scope: { kind: 'project', tenantId: TENANT, projectId: PROJECT },
    bulk: false,
    freeze: { frozen: false, scope: null },
    scopeCheck: 'ok',
    actor: { userId: ACTOR, platformRoles: [], tenantRole: 'tenant_owner', projectRole: null },
    target: target(),
    requestedRole: 'project_editor',
    tenancyMode: 'strict',
    activeTenantOwners: 1,
    activePlatformAdmins: 1,
    ...overrides,
  };
}

const tenantScope = { kind: 'tenant' as const, tenantId: TENANT, projectId: null };
const platformScope = { kind: 'platform' as const, tenantId: null, projectId: null };
const tenantAdmin = { userId: ACTOR, platformRoles: [], tenantRole: 'tenant_admin' as const, projectRole: null };
const platformAdmin = { userId: ACTOR, platformRoles: ['platform_admin' as const], tenantRole: null, projectRole: null };

/**
 * What the engine sees in production, weighted: mostly allowed project and tenant binds (the
 * mutations a console issues), some no-ops, and the refusals the contract names. Each entry says
 * whether it must be allowed, so the mix cannot silently turn into something else.
 */
export const POLICY_MIX: { weight: number; allowed: boolean; input: PolicyInput }[] = [
  { weight: 6, allowed: true, input: input({}) },
  { weight: 2, allowed: true, input: input({ requestedRole: 'project_viewer' }) },
  { weight: 2, allowed: true, input: input({ scope: tenantScope, actor: tenantAdmin, requestedRole: 'tenant_member', target: target({ tenantRole: null, projectRole: null }) }) },
  { weight: 1, allowed: false, input: input({ scope: tenantScope, actor: tenantAdmin, requestedRole: 'tenant_owner', target: target({ tenantRole: null }) }) },
  { weight: 1, allowed: false, input: input({ scope: tenantScope, actor: tenantAdmin, requestedRole: 'tenant_member', target: target({ tenantRole: null, otherActiveTenantIds: [OTHER_TENANT] }) }) },
  { weight: 1, allowed: false, input: input({ actor: { ...tenantAdmin, tenantRole: 'tenant_member' } }) },
  { weight: 1, allowed: true, input: input({ action: 'revoke', requestedRole: null, target: target({ userId: ACTOR }) }) },
  { weight: 1, allowed: false, input: input({ action: 'revoke', scope: tenantScope, requestedRole: null, target: target({ tenantRole: 'tenant_owner' }) }) },
  { weight: 1, allowed: true, input: input({ scope: platformScope, actor: platformAdmin, requestedRole: 'platform_auditor', target: target({ tenantRole: null, projectRole: null }) }) },
  { weight: 1, allowed: false, input: input({ bulk: true, freeze: { frozen: true, scope: 'bulk' } }) },
  { weight: 1, allowed: false, input: input({ scopeCheck: 'scope_mismatch' }) },
  { weight: 1, allowed: false, input: input({ target: target({ tenantRole: null }) }) },
  {
    weight: 1,
    allowed: true,
    input: input({
      action: 'rehome',
      scope: { kind: 'tenant', tenantId: OTHER_TENANT, projectId: null },
      actor: platformAdmin,
      requestedRole: 'tenant_member',
      target: target({ tenantRole: null, projectRole: null }),
      rehome: { fromTenantId: TENANT, targetRoleInFromTenant: 'tenant_member', fromTenantActiveOwners: 1 },
    }),
  },
];

/** decide() alone, over the weighted mix, for `seconds` after a short warm-up. */
export function runPolicyPhase(options: PolicyPhaseOptions): PolicyResult {
  for (const entry of POLICY_MIX) {
    const decision = decide(entry.input);
    if (decision.allowed !== entry.allowed) throw new Error(`policy mix drifted: expected allowed=${entry.allowed}, got ${decision.path.join(' ')}`);
  }
  // Interleaved, not grouped: a run of identical inputs would flatter the branch predictor.
  const weighted = POLICY_MIX.flatMap((entry) => Array.from({ length: entry.weight }, () => entry));
  const sequence = weighted.map((_, i) => weighted[(i * 7) % weighted.length]!);
  const inputs = sequence.map((e) => e.input);
  const allowedShare = sequence.filter((e) => e.allowed).length / sequence.length;

  let sink = 0;
  const batch = () => {
    for (let round = 0; round < 200; round += 1) {
      for (const policyInput of inputs) sink += decide(policyInput).path.length;
    }
    return 200 * inputs.length;
  };
  const warmUntil = process.hrtime.bigint() + 300_000_000n;
  while (process.hrtime.bigint() < warmUntil) batch();

  let decisions = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(options.seconds * 1e9));
  let now = started;
  while (now < deadline) {
    decisions += batch();
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  if (sink === 0) throw new Error('no decision was made');
  return {
    decisions,
    decisionsPerSecond: decisions / seconds,
    microsPerDecision: (seconds * 1e6) / decisions,
    cpuMicrosPerDecision: (cpu.user + cpu.system) / decisions,
    inputKinds: POLICY_MIX.length,
    allowedShare,
  };
}
