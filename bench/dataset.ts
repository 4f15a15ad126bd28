import type { BenchGateway } from './bench-gateway.js';
import { BENCH_ROOT } from './bench-gateway.js';
import type { DatasetSize } from './options.js';

export interface Member {
  id: string;
  sub: string;
}

export interface TenantData {
  id: string;
  owner: Member;
  /** Everyone but the owner: the first is tenant_admin, the others tenant_member. */
  members: Member[];
  projects: string[];
  /** (project, user) rows loaded as project_viewer: the targets of the mutation runs. */
  projectBindings: { projectId: string; userId: string }[];
}

export interface Dataset {
  tenants: TenantData[];
  /** Tenant 0: owner plus `bulkItems` members; its first project has no binding before the bulk phase. */
  bulk: { tenant: TenantData; projectId: string; targets: Member[] };
  fanOut: { size: number; tenant: TenantData }[];
  counts: { tenants: number; users: number; projects: number; tenantMemberships: number; projectMemberships: number };
}

/** Members per tenant (owner included): the bulk tenant, the fan-out tenants, then the rest evenly. */
export function tenantSizes(size: DatasetSize): number[] {
  const fixed = [size.bulkItems + 1, ...size.fanOutSizes];
  const restTenants = size.tenants - fixed.length;
  const restUsers = size.users - fixed.reduce((a, b) => a + b, 0);
  if (restTenants < 1 || restUsers < restTenants * 2) {
    throw new Error(`dataset too small: ${size.users} users cannot fill ${size.tenants} tenants of sizes ${fixed.join(', ')} plus 2 per other tenant`);
  }
  const rest = Array.from({ length: restTenants }, (_, i) => Math.floor(restUsers / restTenants) + (i < restUsers % restTenants ? 1 : 0));
  return [...fixed, ...rest];
}

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

async function inParallel<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const CREATE_TENANT = `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } } }`;
const CREATE_PROJECT = `mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }`;

/**
 * Tenants and projects are created through the gateway (so they carry their audit rows and chain
 * heads); users and the other memberships are inserted by SQL, as an import would, respecting the
 * invariants the measured calls rely on: one active tenant per user (strict tenancy), every
 * project member an active member of the project's tenant, one active owner per tenant.
 */
export async function loadDataset(bench: BenchGateway, size: DatasetSize): Promise<Dataset> {
  const sizes = tenantSizes(size);
  const { sql } = bench;
  const userRows = Array.from({ length: size.users }, (_, i) => ({ subject: `bench-u-${i}`, email: `u${i}@bench.example` }));
  const users: Member[] = [];
  for (const batch of chunks(userRows, 2_000)) {
    const inserted = await sql`insert into users ${sql(batch, 'subject', 'email')} returning id, subject`;
    users.push(...inserted.map((r) => ({ id: r.id as string, sub: r.subject as string })));
  }
  // Inserted rows come back in insert order; sort by subject number to make the layout reproducible.
  users.sort((a, b) => Number(a.sub.slice(8)) - Number(b.sub.slice(8)));

  let offset = 0;
  const groups = sizes.map((n) => {
    const group = users.slice(offset, offset + n);
    offset += n;
    return group;
  });
  const tenantIds = await inParallel(groups, 4, async (group, i) => {
    const data = await bench.gql(CREATE_TENANT, { input: { slug: `bench-t-${i}`, name: `Bench tenant ${i}`, ownerUserId: group[0]!.id } }, BENCH_ROOT);
    return data.createTenant.tenant.id as string;
  });
  const projectCounts = sizes.map((_, i) => Math.max(i === 0 ? 2 : 1, Math.floor(size.projects / sizes.length) + (i < size.projects % sizes.length ? 1 : 0)));
  const projectJobs = projectCounts.flatMap((n, t) => Array.from({ length: n }, (_, p) => ({ t, p })));
  const projectIds = await inParallel(projectJobs, 4, async ({ t, p }) => {
    const data = await bench.gql(CREATE_PROJECT, { input: { tenantId: tenantIds[t], slug: `p-${p}`, name: `Project ${p}` } }, BENCH_ROOT);
    return data.createProject.project.id as string;
  });

  const tenants: TenantData[] = groups.map((group, t) => ({
    id: tenantIds[t]!,
    owner: group[0]!,
    members: group.slice(1),
    projects: projectIds.filter((_, j) => projectJobs[j]!.t === t),
    projectBindings: [],
  }));
  const tenantRows = tenants.flatMap((tenant) =>
    tenant.members.map((m, j) => ({ tenant_id: tenant.id, user_id: m.id, role: j === 0 ? 'tenant_admin' : 'tenant_member', status: 'active' })),
  );
  for (const batch of chunks(tenantRows, 2_000)) {
    await sql`insert into tenant_memberships ${sql(batch, 'tenant_id', 'user_id', 'role', 'status')}`;
  }
  for (const [t, tenant] of tenants.entries()) {
    // The bulk project starts empty, so the bulk phase writes real rows.
    const projects = t === 0 ? tenant.projects.slice(1) : tenant.projects;
    tenant.projectBindings = tenant.members.map((m, j) => ({ projectId: projects[j % projects.length]!, userId: m.id }));
  }
  const projectRows = tenants.flatMap((tenant) =>
    tenant.projectBindings.map((b) => ({ tenant_id: tenant.id, project_id: b.projectId, user_id: b.userId, role: 'project_viewer', status: 'active' })),
  );
  for (const batch of chunks(projectRows, 2_000)) {
    await sql`insert into project_memberships ${sql(batch, 'tenant_id', 'project_id', 'user_id', 'role', 'status')}`;
  }
  await sql`analyze`;

  const bulkTenant = tenants[0]!;
  return {
    tenants,
    bulk: { tenant: bulkTenant, projectId: bulkTenant.projects[0]!, targets: bulkTenant.members.slice(0, size.bulkItems) },
    fanOut: size.fanOutSizes.map((n, i) => ({ size: n, tenant: tenants[i + 1]! })),
    counts: {
      tenants: tenants.length,
      users: users.length,
      projects: projectIds.length,
      tenantMemberships: tenantRows.length + tenants.length,
      projectMemberships: projectRows.length,
    },
  };
}
