// The runbook's "Common Failure Classes" and their mitigations, by contract reason.

export interface FailureClass {
  name: string;
  mitigation: string;
}

const FAILURE_CLASSES: Record<string, (d: { ceiling: string | null }) => FailureClass> = {
  role_ceiling_exceeded: (d) => ({
    name: 'Expected role ceiling denial',
    mitigation: `Communicate the grant ceiling (${d.ceiling ?? 'none'}) and retry with a role at or below it (explainGrant confirms).`,
  }),
  scope_mismatch: () => ({ name: 'Scope mismatch', mitigation: 'Correct the tenant/project selection and retry.' }),
  tenant_not_found: () => ({ name: 'Scope mismatch', mitigation: 'Correct the tenant selection and retry.' }),
  project_not_found: () => ({ name: 'Scope mismatch', mitigation: 'Correct the project (it must belong to the tenant named) and retry.' }),
  cross_tenant_membership: () => ({
    name: 'Cross-tenant binding conflict',
    mitigation: 'The user is active in another tenant (strict mode): move it with the approved rehomeUser flow.',
  }),
  platform_admin_required: () => ({ name: 'Platform-role mutation path', mitigation: 'Platform-role mutations require platform_admin: route the request to one.' }),
  dependency_unavailable: () => ({
    name: 'Dependency degradation',
    mitigation: 'Restore the backing store (check /readyz) before retrying IAM mutations.',
  }),
  internal_error: () => ({ name: 'Dependency degradation or defect', mitigation: 'Check the error log lines of this request; restore the backing store, or escalate.' }),
  mutations_frozen: () => ({
    name: 'Mutations frozen by an operator',
    mitigation: 'See iamStatus for who froze and why; retry after setMutationFreeze(frozen: false).',
  }),
  last_owner: () => ({ name: 'Last owner protection', mitigation: 'Bind another tenant_owner first, then retry.' }),
  last_platform_admin: () => ({ name: 'Last platform_admin protection', mitigation: 'Assign platform_admin to another user first, then retry.' }),
  target_not_tenant_member: () => ({
    name: "Target not a member of the project's tenant",
    mitigation: 'Bind the user into the tenant first, then retry the project binding.',
  }),
  membership_not_found: () => ({ name: 'Nothing to revoke', mitigation: 'The user holds no such active role; check the scope and user.' }),
  user_not_found: () => ({ name: 'Unknown user', mitigation: 'Check the user id (users appear on their first authenticated request).' }),
  validation_failed: () => ({ name: 'Malformed request (invalid_request)', mitigation: 'Fix the input named in the error message and retry.' }),
  slug_taken: () => ({ name: 'Slug already used', mitigation: 'Choose another slug.' }),
};

/** The runbook class of a refusal or failure: its denied decision, else the error the request ended with. */
export function classify(refusal: { reason: string | null; ceiling?: string | null } | undefined): FailureClass | null {
  const reason = refusal?.reason ?? null;
  if (reason === null) return null;
  return (FAILURE_CLASSES[reason] ?? (() => ({ name: reason, mitigation: 'See the contract error table for this reason.' })))({ ceiling: refusal?.ceiling ?? null });
}

