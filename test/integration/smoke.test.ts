import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIND_TENANT, bindTenant, newTenant, ok, refusal } from '../support/fixtures.js';
import { startTestGateway, uid, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

describe('a tenant admin at work', () => {
  it('binds a member, and is refused tenant_owner with its ceiling in the error', async () => {
    const tenant = await newTenant(t);
    const admin = uid('admin');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    const member = uid('member');
    const bound = ok(await bindTenant(t, admin, tenant.tenantId, member, 'MEMBER'));
    expect(bound.bindTenantMembership).toMatchObject({ changed: true, membership: { role: 'MEMBER', status: 'ACTIVE' } });

    const denied = await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: await t.userId(uid('x')), role: 'OWNER' } }, { as: admin });
    expect(refusal(denied)).toMatchObject({
      code: 'insufficient_permissions',
      reason: 'role_ceiling_exceeded',
      ceiling: 'tenant_admin',
      requested_role: 'tenant_owner',
      scope: { tenant_id: tenant.tenantId, project_id: null },
      retryable: false,
    });
    expect(refusal(denied).correlation_id).toBe(denied.headers.get('x-correlation-id'));
  });
});
