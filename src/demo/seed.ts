import { mintDevToken } from '../auth/dev-token.js';

export const DEMO_USERS = [
  { sub: 'demo-platform-admin', name: 'Pat Platform', email: 'pat@example.test', role: 'platform_admin' },
  { sub: 'demo-tenant-owner', name: 'Olivia Owner', email: 'olivia@example.test', role: 'tenant_owner (acme)' },
  { sub: 'demo-tenant-admin', name: 'Adam Admin', email: 'adam@example.test', role: 'tenant_admin (acme)' },
  { sub: 'demo-tenant-member', name: 'Mia Member', email: 'mia@example.test', role: 'tenant_member (acme), project_editor (website)' },
  { sub: 'demo-outsider', name: 'Nora Nobody', email: 'nora@example.test', role: 'no tenant' },
] as const;

export const DEMO_ADMIN_SUBJECT = DEMO_USERS[0].sub;

async function call(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-correlation-id': 'demo-seed' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: { message: string; extensions?: { reason?: string } }[] };
  if (body.errors?.length) throw new Error(`demo seed: ${body.errors.map((e) => `${e.extensions?.reason}: ${e.message}`).join('; ')}`);
  return body.data!;
}

/**
 * Loads the demo data set through the gateway's own API (so it is authorized and audited like any
 * change). Idempotent: a second run finds the tenant and changes nothing. Returns a token per user.
 */
export async function seedDemo(url: string, secret: string): Promise<{ sub: string; role: string; token: string }[]> {
  const tokens = await Promise.all(DEMO_USERS.map((u) => mintDevToken(secret, { sub: u.sub, email: u.email, name: u.name }, { expiresIn: '30d' })));
  const ids: string[] = [];
  for (const token of tokens) ids.push((await call(url, token, '{ me { id } }')).me.id);
  const [admin, owner, tenantAdmin, member] = [tokens[0]!, ids[1]!, ids[2]!, ids[3]!];
  const existing = await call(url, admin, '{ tenants(first: 200) { nodes { id slug } } }');
  if (!existing.tenants.nodes.some((t: { slug: string }) => t.slug === 'acme')) {
    const created = await call(
      url,
      admin,
      'mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } } }',
      { input: { slug: 'acme', name: 'Acme Corporation', ownerUserId: owner } },
    );
    const tenantId = created.createTenant.tenant.id as string;
    const bind = 'mutation($input: BindTenantMembershipInput!) { bindTenantMembership(input: $input) { changed } }';
    await call(url, admin, bind, { input: { tenantId, userId: tenantAdmin, role: 'ADMIN' } });
    await call(url, admin, bind, { input: { tenantId, userId: member, role: 'MEMBER' } });
    const project = await call(
      url,
      admin,
      'mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }',
      { input: { tenantId, slug: 'website', name: 'Public website' } },
    );
    await call(
      url,
      admin,
      'mutation($input: BindProjectMembershipInput!) { bindProjectMembership(input: $input) { changed } }',
      { input: { tenantId, projectId: project.createProject.project.id, userId: member, role: 'EDITOR' } },
    );
  }
  return DEMO_USERS.map((u, i) => ({ sub: u.sub, role: u.role, token: tokens[i]! }));
}
