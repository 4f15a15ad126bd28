import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSchemaCompatibility, recordedBreakingChanges } from '../../src/schema-check.js';
import { printPublicSchema } from '../../src/schema-print.js';

const RELEASED = /* GraphQL */ `
  type Query {
    tenants(first: Int = 50, after: String): [Tenant!]!
    tenant(id: ID!): Tenant
    legacyTenants: [LegacyTenant!]! @deprecated(reason: "Use tenants.")
  }
  type Tenant {
    id: ID!
    slug: String!
    oldName: String @deprecated(reason: "Use slug.")
  }
  type LegacyTenant {
    id: ID!
  }
  enum TenantRole {
    OWNER
    ADMIN
    MEMBER
    GUEST @deprecated(reason: "Use MEMBER.")
  }
  input BindInput {
    tenantId: ID!
    role: TenantRole!
  }
  type Mutation {
    bind(input: BindInput!): Tenant
  }
`;

const EMPTY_CHANGELOG = '# Changelog\n\n## Unreleased\n\n### Breaking\n\n## 0.1.0\n';

function changelogWith(...breaking: string[]): string {
  return `# Changelog\n\n## Unreleased\n\n### Breaking\n\n${breaking.map((b) => `- ${b}`).join('\n')}\n\n## 0.1.0\n\n- First release.\n`;
}

describe('schema compatibility check', () => {
  it('reports no change for an identical schema', async () => {
    const result = await checkSchemaCompatibility(RELEASED, RELEASED, EMPTY_CHANGELOG);
    expect(result).toEqual({ breaking: [], allowed: [], dangerous: [], safe: [], ok: true });
  });

  it('fails on the removal of a field that was not deprecated', async () => {
    const current = RELEASED.replace('tenant(id: ID!): Tenant\n', '');
    const result = await checkSchemaCompatibility(RELEASED, current, EMPTY_CHANGELOG);
    expect(result.ok).toBe(false);
    expect(result.breaking).toEqual([expect.objectContaining({ type: 'FIELD_REMOVED', path: 'Query.tenant', level: 'breaking' })]);
    expect(result.allowed).toEqual([]);
  });

  it('passes the same removal once it is recorded under Breaking in Unreleased', async () => {
    const current = RELEASED.replace('tenant(id: ID!): Tenant\n', '');
    const result = await checkSchemaCompatibility(RELEASED, current, changelogWith('`Query.tenant` removed: use `tenants`.'));
    expect(result.ok).toBe(true);
    expect(result.breaking).toEqual([]);
    expect(result.allowed).toEqual([expect.objectContaining({ path: 'Query.tenant', why: 'changelog' })]);
  });

  it('accepts the inspector message verbatim as the record', async () => {
    const current = RELEASED.replace('tenant(id: ID!): Tenant\n', '');
    const { breaking } = await checkSchemaCompatibility(RELEASED, current, EMPTY_CHANGELOG);
    const result = await checkSchemaCompatibility(RELEASED, current, changelogWith(breaking[0]!.message));
    expect(result.ok).toBe(true);
  });

  it('does not accept a record of a different path, a prefix of it, or one outside Unreleased/Breaking', async () => {
    const current = RELEASED.replace('tenant(id: ID!): Tenant\n', '');
    // `Query.tenants` is another field: matching must not be by prefix.
    expect((await checkSchemaCompatibility(RELEASED, current, changelogWith('`Query.tenants` changed.'))).ok).toBe(false);
    // Mentioned under Added, not Breaking.
    const underAdded = '# Changelog\n\n## Unreleased\n\n### Breaking\n\n### Added\n\n- `Query.tenant` removed.\n';
    expect((await checkSchemaCompatibility(RELEASED, current, underAdded)).ok).toBe(false);
    // Recorded in an already released section: it excused that release, not this one.
    const released = '# Changelog\n\n## Unreleased\n\n### Breaking\n\n## 0.1.0\n\n### Breaking\n\n- `Query.tenant` removed.\n';
    expect((await checkSchemaCompatibility(RELEASED, current, released)).ok).toBe(false);
  });

  it('allows removing a field that carries @deprecated in the released schema', async () => {
    const current = RELEASED.replace('oldName: String @deprecated(reason: "Use slug.")\n', '');
    const result = await checkSchemaCompatibility(RELEASED, current, EMPTY_CHANGELOG);
    expect(result.ok).toBe(true);
    expect(result.allowed).toEqual([expect.objectContaining({ type: 'FIELD_REMOVED', path: 'Tenant.oldName', why: 'deprecated' })]);
  });

  it('allows removing a deprecated enum value, and a type only a deprecated field returned', async () => {
    const current = RELEASED.replace('GUEST @deprecated(reason: "Use MEMBER.")\n', '')
      .replace('legacyTenants: [LegacyTenant!]! @deprecated(reason: "Use tenants.")\n', '')
      .replace(/type LegacyTenant \{[^}]*\}/, '');
    const result = await checkSchemaCompatibility(RELEASED, current, EMPTY_CHANGELOG);
    expect(result.ok).toBe(true);
    expect(result.allowed.map((c) => [c.path, c.why]).sort()).toEqual([
      ['LegacyTenant', 'deprecated'],
      ['Query.legacyTenants', 'deprecated'],
      ['TenantRole.GUEST', 'deprecated'],
    ]);
  });

  it('fails on removing a type a live field still used in the released schema', async () => {
    const current = RELEASED.replace('type LegacyTenant {\n    id: ID!\n  }', 'type LegacyTenantV2 {\n    id: ID!\n  }').replace(
      'legacyTenants: [LegacyTenant!]! @deprecated(reason: "Use tenants.")',
      'legacyTenants: [LegacyTenantV2!]! @deprecated(reason: "Use tenants.")',
    );
    const result = await checkSchemaCompatibility(RELEASED, current, EMPTY_CHANGELOG);
    // The field is deprecated but still there: its type change breaks a client's fragments.
    expect(result.ok).toBe(false);
    expect(result.breaking.map((c) => c.path)).toContain('Query.legacyTenants');
  });

  it('fails on removing a non-deprecated enum value, input field, or argument, and on a type change', async () => {
    const cases: [string, string][] = [
      [RELEASED.replace('    MEMBER\n', ''), 'TenantRole.MEMBER'],
      [RELEASED.replace('role: TenantRole!\n', ''), 'BindInput.role'],
      [RELEASED.replace('tenants(first: Int = 50, after: String)', 'tenants(first: Int = 50)'), 'Query.tenants.after'],
      [RELEASED.replace('slug: String!', 'slug: Int!'), 'Tenant.slug'],
    ];
    for (const [current, path] of cases) {
      const result = await checkSchemaCompatibility(RELEASED, current, EMPTY_CHANGELOG);
      expect(result.ok, path).toBe(false);
      expect(result.breaking.map((c) => c.path), path).toContain(path);
    }
  });

  it('fails on a new required input field or argument (old client documents stop validating)', async () => {
    const current = RELEASED.replace('role: TenantRole!\n', 'role: TenantRole!\n    reason: String!\n');
    const result = await checkSchemaCompatibility(RELEASED, current, EMPTY_CHANGELOG);
    expect(result.ok).toBe(false);
    expect(result.breaking.map((c) => c.path)).toEqual(['BindInput.reason']);
  });

  it('reports an added optional field and input field as safe', async () => {
    const current = RELEASED.replace('slug: String!\n', 'slug: String!\n    name: String\n').replace('role: TenantRole!\n', 'role: TenantRole!\n    note: String\n');
    const result = await checkSchemaCompatibility(RELEASED, current, EMPTY_CHANGELOG);
    expect(result.ok).toBe(true);
    expect(result.breaking).toEqual([]);
    expect(result.safe.map((c) => c.path).sort()).toEqual(['BindInput.note', 'Tenant.name']);
  });

  it('reports a new enum value and a new optional argument as dangerous, not breaking', async () => {
    const current = RELEASED.replace('    MEMBER\n', '    MEMBER\n    BILLING\n').replace('tenant(id: ID!): Tenant', 'tenant(id: ID!, includeRevoked: Boolean): Tenant');
    const result = await checkSchemaCompatibility(RELEASED, current, EMPTY_CHANGELOG);
    expect(result.ok).toBe(true);
    expect(result.breaking).toEqual([]);
    expect(result.dangerous.map((c) => c.path).sort()).toEqual(['Query.tenant.includeRevoked', 'TenantRole.BILLING']);
  });

  it('reads only list items under ### Breaking of ## Unreleased, joining wrapped lines', () => {
    const changelog = [
      '# Changelog',
      '## Unreleased',
      '### Added',
      '- `Tenant.name`',
      '### Breaking',
      '- `Query.tenant` removed: use',
      '  `tenants` instead.',
      '* `TenantRole.GUEST` removed.',
      '## 0.1.0',
      '### Breaking',
      '- `Query.old` removed.',
    ].join('\n');
    expect(recordedBreakingChanges(changelog)).toEqual(['`Query.tenant` removed: use `tenants` instead.', '`TenantRole.GUEST` removed.']);
  });

  it('finds the committed schema compatible with the committed released schema and CHANGELOG', async () => {
    const root = new URL('../../', import.meta.url);
    const released = readFileSync(new URL('schema/released.graphql', root), 'utf8');
    const changelog = readFileSync(new URL('CHANGELOG.md', root), 'utf8');
    const result = await checkSchemaCompatibility(released, printPublicSchema(), changelog);
    expect(result.breaking).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
