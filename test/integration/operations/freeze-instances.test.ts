import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIND_TENANT, BULK_BIND, newProject, newTenant, ok, refusal, SET_FREEZE } from '../../support/fixtures.js';
import { REAL_DB } from '../../support/database.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { IAM_STATUS, tenantMembers } from './support.js';

// The freeze lives in the database, so an operator freezing through one instance stops the
// whole fleet at once. Needs a real server: PGlite is one process's database.
describe.skipIf(!REAL_DB)('a freeze across two gateway instances on one database', () => {
  let first: TestGateway;
  let second: TestGateway;
  beforeAll(async () => {
    first = await startTestGateway();
    second = await startTestGateway({ databaseUrl: first.databaseUrl! });
  });
  afterAll(async () => {
    // The second borrows the first's scratch database, which the first drops on close.
    await second?.close();
    await first?.close();
  });

  it('is honoured by the other instance on its next request, in both directions', async () => {
    const tenant = await newTenant(first);
    const projectId = await newProject(first, tenant.owner, tenant.tenantId);
    const [a, b] = await tenantMembers(first, tenant.tenantId, tenant.owner, 2);
    const bulk = (t: TestGateway, userId: string) =>
      t.gql(BULK_BIND, { input: { tenantId: tenant.tenantId, projectId, bindings: [{ userId, role: 'VIEWER' }] } }, { as: tenant.owner });

    ok(await first.gql(SET_FREEZE, { input: { frozen: true, scope: 'BULK', reason: 'INC-20 fleet-wide pause' } }, { as: ROOT_ADMIN }));
    expect(refusal(await bulk(second, a!))).toMatchObject({ code: 'service_unavailable', reason: 'mutations_frozen', retryable: true });
    expect(ok(await second.gql(IAM_STATUS, {}, { as: ROOT_ADMIN })).iamStatus).toMatchObject({
      frozen: true,
      freezeScope: 'BULK',
      reason: 'INC-20 fleet-wide pause',
      by: { id: await first.userId(ROOT_ADMIN) },
    });
    // A BULK freeze leaves single changes to the other instance too.
    ok(await second.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: await second.userId(uid('joiner')), role: 'MEMBER' } }, { as: tenant.owner }));

    // Widened through the second instance, the first refuses every mutation.
    ok(await second.gql(SET_FREEZE, { input: { frozen: true, scope: 'ALL', reason: 'INC-20 widened' } }, { as: ROOT_ADMIN }));
    const single = await first.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: await first.userId(uid('late')), role: 'MEMBER' } }, { as: tenant.owner });
    expect(refusal(single)).toMatchObject({ reason: 'mutations_frozen' });

    ok(await second.gql(SET_FREEZE, { input: { frozen: false, reason: 'INC-20 resolved' } }, { as: ROOT_ADMIN }));
    expect(ok(await bulk(first, b!)).bulkBindProjectMemberships.changedCount).toBe(1);
  });
});
