import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindTenant, newProject, newTenant, ok, type TenantFixture } from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';

const TENANT_PAGE = `query($id: ID!) { tenant(id: $id) { id members(first: 200) { nodes { role user { id email } } } projects { nodes { id } } } }`;
const TENANTS_TREE = `{ tenants { nodes { id members { nodes { user { id } } } } } }`;

let t: TestGateway;

/** A tenant with `size` active members (its owner included) and two projects. */
async function tenantWithMembers(size: number): Promise<TenantFixture> {
  const tenant = await newTenant(t);
  const subjects = Array.from({ length: size - 1 }, () => uid('member'));
  // Small batches: concurrent enough to be quick, few enough not to queue on the tenant row lock.
  for (let i = 0; i < subjects.length; i += 4) {
    await Promise.all(subjects.slice(i, i + 4).map(async (sub) => ok(await bindTenant(t, tenant.owner, tenant.tenantId, sub, 'MEMBER'))));
  }
  await newProject(t, tenant.owner, tenant.tenantId);
  await newProject(t, tenant.owner, tenant.tenantId);
  return tenant;
}

/** SQL statements one request issues (the caller is already provisioned, so none are for that). */
async function statementsOf<T>(send: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const stats = t.gateway.database.stats;
  const before = stats.statements;
  const result = await send();
  return { result, statements: stats.statements - before };
}

beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

describe('nested reads issue a constant number of SQL statements', () => {
  let small: TenantFixture;
  let large: TenantFixture;
  beforeAll(async () => {
    small = await tenantWithMembers(10);
    large = await tenantWithMembers(200);
  }, 600_000);

  it('tenant(id) with 200 members, their users and projects costs what 10 members cost', async () => {
    const measure = async (tenant: TenantFixture) => {
      await t.userId(tenant.owner);
      return statementsOf(async () => ok(await t.gql(TENANT_PAGE, { id: tenant.tenantId }, { as: tenant.owner })).tenant);
    };
    const ten = await measure(small);
    const twoHundred = await measure(large);
    expect(ten.result.members.nodes).toHaveLength(10);
    expect(twoHundred.result.members.nodes).toHaveLength(200);
    expect(new Set(twoHundred.result.members.nodes.map((m: { user: { id: string } }) => m.user.id)).size).toBe(200);
    expect(twoHundred.result.projects.nodes).toHaveLength(2);
    expect(twoHundred.statements).toBe(ten.statements);
    // One statement per kind of thing read (scope, members, users, projects), not per row.
    expect(twoHundred.statements).toBeLessThanOrEqual(8);
  });

  it('tenants { members { user } } over more tenants and members costs the same', async () => {
    await t.userId(ROOT_ADMIN);
    const tree = () => statementsOf(async () => ok(await t.gql(TENANTS_TREE, {}, { as: ROOT_ADMIN })).tenants.nodes);
    const before = await tree();
    const added = [await tenantWithMembers(5), await tenantWithMembers(30), await tenantWithMembers(3)];
    const after = await tree();
    expect(after.result.length).toBe(before.result.length + 3);
    const sizes = new Map(after.result.map((n: { id: string; members: { nodes: unknown[] } }) => [n.id, n.members.nodes.length]));
    expect(added.map((a) => sizes.get(a.tenantId))).toEqual([5, 30, 3]);
    // members defaults to a page of 50.
    expect(sizes.get(large.tenantId)).toBe(50);
    expect(after.statements).toBe(before.statements);
    expect(after.statements).toBeLessThanOrEqual(8);
  }, 300_000);
});
