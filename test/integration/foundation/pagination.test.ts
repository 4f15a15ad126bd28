import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT, BULK_BIND, bindTenant, newProject, newTenant, ok, type TenantFixture } from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type GqlResponse, type TestGateway } from '../../support/gateway.js';
import { expectRefusal } from './envelope.js';

const TENANT_MEMBERS = `query($id: ID!, $first: Int, $after: String) { tenant(id: $id) { members(first: $first, after: $after) { nodes { id user { id } } pageInfo { hasNextPage endCursor } } } }`;
const PROJECT_MEMBERS = `query($tenantId: ID!, $id: ID!, $first: Int, $after: String) { project(tenantId: $tenantId, id: $id) { members(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }`;
const TENANTS = `query($first: Int, $after: String) { tenants(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;

interface Connection {
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

let t: TestGateway;
let tenant: TenantFixture;
let projectId: string;
const memberSubjects: string[] = [];

/** Walks a connection page by page; returns the ids in order and the number of pages. */
async function walk(fetchPage: (first: number, after: string | null) => Promise<Connection>, first: number) {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const page = await fetchPage(first, after);
    pages += 1;
    expect(page.nodes.length).toBeLessThanOrEqual(first);
    ids.push(...page.nodes.map((n) => n.id));
    if (!page.pageInfo.hasNextPage) break;
    expect(page.nodes).toHaveLength(first);
    after = page.pageInfo.endCursor;
    expect(after).toEqual(expect.any(String));
    expect(pages).toBeLessThan(100);
  }
  return { ids, pages };
}

const tenantMembers = async (first: number, after: string | null) =>
  ok(await t.gql(TENANT_MEMBERS, { id: tenant.tenantId, first, after }, { as: tenant.owner })).tenant.members as Connection;
const projectMembers = async (first: number, after: string | null) =>
  ok(await t.gql(PROJECT_MEMBERS, { tenantId: tenant.tenantId, id: projectId, first, after }, { as: tenant.owner })).project.members as Connection;

beforeAll(async () => {
  t = await startTestGateway();
  tenant = await newTenant(t);
  for (let i = 0; i < 24; i += 1) {
    const sub = uid('member');
    memberSubjects.push(sub);
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, sub, 'MEMBER'));
  }
  projectId = await newProject(t, tenant.owner, tenant.tenantId);
  // One bulk bind: every membership gets the same created_at, so only the id breaks the ties.
  const bindings = await Promise.all(memberSubjects.map(async (sub) => ({ userId: await t.userId(sub), role: 'VIEWER' })));
  ok(await t.gql(BULK_BIND, { input: { tenantId: tenant.tenantId, projectId, bindings } }, { as: tenant.owner }));
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe('first/after walks', () => {
  it('tenant members: every member exactly once, in the order of one big page, for any page size', async () => {
    const all = await tenantMembers(200, null);
    expect(all.nodes).toHaveLength(25);
    expect(all.pageInfo.hasNextPage).toBe(false);
    const expected = all.nodes.map((n) => n.id);
    for (const size of [1, 7, 24, 25]) {
      const { ids, pages } = await walk(tenantMembers, size);
      expect(ids).toEqual(expected);
      expect(pages).toBe(Math.ceil(25 / size));
    }
  });

  it('project members that share one created_at: no duplicates, no gaps', async () => {
    const expected = (await projectMembers(200, null)).nodes.map((n) => n.id);
    expect(expected).toHaveLength(24);
    for (const size of [1, 5, 23]) {
      const { ids } = await walk(projectMembers, size);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expected);
    }
  });

  it('tenants and audit logs page the same way', async () => {
    const tenants = async (first: number, after: string | null) => ok(await t.gql(TENANTS, { first, after }, { as: ROOT_ADMIN })).tenants as Connection;
    const allTenants = (await tenants(200, null)).nodes.map((n) => n.id);
    expect((await walk(tenants, 1)).ids).toEqual(allTenants);

    const audit = async (first: number, after: string | null) =>
      ok(await t.gql(AUDIT, { filter: { tenantId: tenant.tenantId }, first, after }, { as: tenant.owner })).auditLogs as Connection;
    const allRows = (await audit(200, null)).nodes.map((n) => n.id);
    // tenant.create, the owner's bind, 24 member binds, project.create, 24 project binds.
    expect(allRows).toHaveLength(51);
    expect((await walk(audit, 10)).ids).toEqual(allRows);
  });

  it('an empty page after the last member says there is no next page', async () => {
    const last = await tenantMembers(25, null);
    const beyond = await tenantMembers(5, last.pageInfo.endCursor);
    expect(beyond).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});

describe('page arguments are validated', () => {
  const refusedPage = (res: GqlResponse, field: string) => expect(expectRefusal(res, 'invalid_request', 'validation_failed').extensions.field).toBe(field);

  it('first outside 1..200 is validation_failed on every connection', async () => {
    for (const first of [0, 201, -1, 100_000]) {
      refusedPage(await t.gql(TENANT_MEMBERS, { id: tenant.tenantId, first }, { as: tenant.owner }), 'first');
      refusedPage(await t.gql(TENANTS, { first }, { as: tenant.owner }), 'first');
      refusedPage(await t.gql(AUDIT, { first }, { as: tenant.owner }), 'first');
    }
  });

  it('a cursor that is not one of ours is validation_failed', async () => {
    const auditCursor = ok(await t.gql(AUDIT, { first: 1 }, { as: tenant.owner })).auditLogs.pageInfo.endCursor;
    const garbage = [
      'garbage!!',
      '',
      'x'.repeat(300),
      Buffer.from('hello').toString('base64url'),
      Buffer.from('2024-01-01T00:00:00.000Z|not-a-uuid').toString('base64url'),
      Buffer.from("2024-01-01T00:00:00.000Z|x'; drop table users; --").toString('base64url'),
      auditCursor, // a cursor of another connection
    ];
    for (const after of garbage) {
      refusedPage(await t.gql(TENANT_MEMBERS, { id: tenant.tenantId, first: 5, after }, { as: tenant.owner }), 'after');
      refusedPage(await t.gql(TENANTS, { first: 5, after }, { as: tenant.owner }), 'after');
    }
  });
});

describe('the cost limit and page sizes', () => {
  it('lets a full page of 200 members with their users through', async () => {
    const fullPage = `query($id: ID!) { tenant(id: $id) { id slug name members(first: 200) { nodes { id role status createdAt updatedAt user { id subject email displayName createdAt platformRoles } tenant { id slug name } } pageInfo { hasNextPage endCursor } } projects(first: 200) { nodes { id slug name } pageInfo { hasNextPage endCursor } } } }`;
    expect(ok(await t.gql(fullPage, { id: tenant.tenantId }, { as: tenant.owner })).tenant.members.nodes).toHaveLength(25);
  });

  it('refuses a page of pages (50 tenants x 50 members) as query_too_complex', async () => {
    const grid = `{ tenants(first: 50) { nodes { id members(first: 50) { nodes { id } } } } }`;
    expectRefusal(await t.gql(grid, {}, { as: ROOT_ADMIN }), 'invalid_request', 'query_too_complex');
  });
});
