import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLObjectType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { REASONS_BY_CODE } from '../../src/errors/codes.js';
import { buildBaseSchema } from '../../src/schema.js';

// The public names of the contract (/work/shared/spec/iam-gateway.md), written out here from its
// text so that a rename in schema/ or src/errors fails this test instead of a client.

// Section 3: every code with its reasons.
const CONTRACT_ERRORS: Record<string, string[]> = {
  unauthenticated: ['missing_token', 'invalid_token', 'token_expired'],
  insufficient_permissions: ['role_ceiling_exceeded', 'scope_mismatch', 'platform_admin_required'],
  invalid_request: ['validation_failed', 'graphql_parse_failed', 'graphql_validation_failed', 'query_too_complex'],
  not_found: ['tenant_not_found', 'project_not_found', 'user_not_found', 'membership_not_found'],
  conflict: ['cross_tenant_membership', 'last_owner', 'last_platform_admin', 'target_not_tenant_member', 'slug_taken'],
  service_unavailable: ['dependency_unavailable', 'mutations_frozen'],
  internal_error: ['internal_error'],
};

// Section 4, queries: arguments and return types as the contract writes them (first/after are
// the connection arguments, checked with the connection shape below).
const CONTRACT_QUERIES: Record<string, { args: Record<string, string>; returns: string }> = {
  me: { args: {}, returns: 'User!' },
  user: { args: { id: 'ID!' }, returns: 'User' },
  tenants: { args: { first: 'Int', after: 'String' }, returns: 'TenantConnection!' },
  tenant: { args: { id: 'ID!' }, returns: 'Tenant' },
  project: { args: { tenantId: 'ID!', id: 'ID!' }, returns: 'Project' },
  auditLogs: { args: { filter: 'AuditLogFilter', first: 'Int', after: 'String' }, returns: 'AuditLogConnection!' },
  explainGrant: { args: { input: 'ExplainGrantInput!' }, returns: 'AuthzDecision!' },
  iamStatus: { args: {}, returns: 'IamStatus!' },
};

// Section 4, mutations: input fields (fixed, exactly these) and payload fields (at least these).
const CONTRACT_MUTATIONS: Record<string, { input: string[]; payload: string[] }> = {
  createTenant: { input: ['slug', 'name', 'ownerUserId'], payload: ['tenant', 'ownerMembership'] },
  createProject: { input: ['tenantId', 'slug', 'name'], payload: ['project'] },
  bindTenantMembership: { input: ['tenantId', 'userId', 'role'], payload: ['membership', 'changed'] },
  revokeTenantMembership: { input: ['tenantId', 'userId'], payload: ['membership', 'changed'] },
  bindProjectMembership: { input: ['tenantId', 'projectId', 'userId', 'role'], payload: ['membership', 'changed'] },
  revokeProjectMembership: { input: ['tenantId', 'projectId', 'userId'], payload: ['membership', 'changed'] },
  bulkBindProjectMemberships: { input: ['tenantId', 'projectId', 'bindings'], payload: ['memberships', 'changedCount'] },
  assignPlatformRole: { input: ['userId', 'role'], payload: ['user', 'changed'] },
  revokePlatformRole: { input: ['userId', 'role'], payload: ['user', 'changed'] },
  rehomeUser: { input: ['userId', 'fromTenantId', 'toTenantId', 'role', 'reason'], payload: ['membership', 'revokedProjectMemberships'] },
  setMutationFreeze: { input: ['frozen', 'scope', 'reason'], payload: ['status'] },
};

// Section 4: the enum each `role`/`scope` input field takes.
const CONTRACT_INPUT_ENUMS: [mutation: string, field: string, enumName: string][] = [
  ['bindTenantMembership', 'role', 'TenantRole'],
  ['bindProjectMembership', 'role', 'ProjectRole'],
  ['assignPlatformRole', 'role', 'PlatformRole'],
  ['revokePlatformRole', 'role', 'PlatformRole'],
  ['rehomeUser', 'role', 'TenantRole'],
];

// Sections 1 and 4: enum values, exactly.
const CONTRACT_ENUMS: Record<string, string[]> = {
  PlatformRole: ['ADMIN', 'AUDITOR'],
  TenantRole: ['OWNER', 'ADMIN', 'MEMBER'],
  ProjectRole: ['OWNER', 'ADMIN', 'EDITOR', 'VIEWER'],
  MembershipStatus: ['ACTIVE', 'REVOKED'],
};

// Section 4, types: fields (at least these; payload and object types may carry more).
const CONTRACT_TYPES: Record<string, string[]> = {
  User: ['id', 'subject', 'email', 'displayName', 'platformRoles', 'tenantMemberships', 'projectMemberships', 'createdAt'],
  Tenant: ['id', 'slug', 'name', 'createdAt', 'members', 'projects'],
  Project: ['id', 'slug', 'name', 'tenant', 'createdAt', 'members'],
  TenantMembership: ['id', 'tenant', 'user', 'role', 'status', 'createdAt', 'updatedAt'],
  ProjectMembership: ['id', 'project', 'user', 'role', 'status', 'createdAt', 'updatedAt'],
  AuditLogEntry: ['id', 'occurredAt', 'correlationId', 'traceId', 'action', 'actorUserId', 'targetUserId', 'tenantId', 'projectId', 'before', 'after', 'reason'],
  AuthzDecision: ['allowed', 'code', 'reason', 'ceiling', 'requestedRole', 'path'],
  IamStatus: ['frozen', 'freezeScope', 'reason', 'since', 'by'],
};

const AUDIT_LOG_FILTER = ['correlationId', 'actorUserId', 'targetUserId', 'tenantId', 'projectId', 'action', 'since', 'until'];
const EXPLAIN_GRANT_INPUT = ['action', 'scope', 'tenantId', 'projectId', 'userId', 'role'];

const schema = buildBaseSchema();
const queryType = schema.getQueryType()!;
const mutationType = schema.getMutationType()!;

function objectType(name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return type;
}

function inputOf(field: GraphQLField<unknown, unknown>): GraphQLInputObjectType {
  const type = getNamedType(field.args.find((a) => a.name === 'input')?.type);
  if (!isInputObjectType(type)) throw new Error(`${field.name}(input:) is not an input object`);
  return type;
}

function enumValues(type: unknown): string[] {
  if (!isEnumType(type)) throw new Error(`${String(type)} is not an enum`);
  return type.getValues().map((v) => v.name);
}

const argTypes = (args: readonly GraphQLArgument[]) => Object.fromEntries(args.map((a) => [a.name, String(a.type)]));

describe('schema contract: queries', () => {
  it('has every query with its arguments and return type', () => {
    for (const [name, expected] of Object.entries(CONTRACT_QUERIES)) {
      const field = queryType.getFields()[name];
      expect(field, `Query.${name}`).toBeDefined();
      expect(argTypes(field!.args), `Query.${name} arguments`).toEqual(expected.args);
      expect(String(field!.type), `Query.${name} type`).toBe(expected.returns);
    }
  });

  it('filters audit logs by the contract fields', () => {
    const filter = schema.getType('AuditLogFilter');
    expect(isInputObjectType(filter)).toBe(true);
    expect(Object.keys((filter as GraphQLInputObjectType).getFields()).sort()).toEqual([...AUDIT_LOG_FILTER].sort());
  });

  it('takes explainGrant input with action BIND|REVOKE, scope PLATFORM|TENANT|PROJECT and a qualified role string', () => {
    const input = inputOf(queryType.getFields().explainGrant!);
    const fields = input.getFields();
    expect(Object.keys(fields).sort()).toEqual([...EXPLAIN_GRANT_INPUT].sort());
    expect(enumValues(getNamedType(fields.action!.type)).sort()).toEqual(['BIND', 'REVOKE']);
    expect(enumValues(getNamedType(fields.scope!.type)).sort()).toEqual(['PLATFORM', 'PROJECT', 'TENANT']);
    // A qualified name such as tenant_owner, not one of the scope enums.
    expect(String(getNamedType(fields.role!.type))).toBe('String');
  });
});

describe('schema contract: mutations', () => {
  it('has exactly the contract mutations, each taking one non-null input', () => {
    expect(Object.keys(mutationType.getFields()).sort()).toEqual(Object.keys(CONTRACT_MUTATIONS).sort());
    for (const field of Object.values(mutationType.getFields())) {
      expect(field.args.map((a) => a.name), field.name).toEqual(['input']);
      expect(String(field.args[0]!.type).endsWith('!'), `${field.name}(input:) is required`).toBe(true);
    }
  });

  it('has the contract input fields, exactly', () => {
    for (const [name, expected] of Object.entries(CONTRACT_MUTATIONS)) {
      const fields = Object.keys(inputOf(mutationType.getFields()[name]!).getFields());
      expect(fields.sort(), `${name} input`).toEqual([...expected.input].sort());
    }
  });

  it('has at least the contract payload fields', () => {
    for (const [name, expected] of Object.entries(CONTRACT_MUTATIONS)) {
      const payload = getNamedType(mutationType.getFields()[name]!.type);
      expect(isObjectType(payload), `${name} payload`).toBe(true);
      expect(Object.keys((payload as GraphQLObjectType).getFields()), `${name} payload`).toEqual(expect.arrayContaining(expected.payload));
    }
  });

  it('types role inputs with the scope enum of the contract', () => {
    for (const [mutation, field, enumName] of CONTRACT_INPUT_ENUMS) {
      const type = inputOf(mutationType.getFields()[mutation]!).getFields()[field]!.type;
      expect(getNamedType(type).name, `${mutation}.input.${field}`).toBe(enumName);
    }
    const bindings = inputOf(mutationType.getFields().bulkBindProjectMemberships!).getFields().bindings!;
    const item = getNamedType(bindings.type) as GraphQLInputObjectType;
    expect(String(bindings.type).startsWith('[')).toBe(true);
    expect(Object.keys(item.getFields()).sort()).toEqual(['role', 'userId']);
    expect(getNamedType(item.getFields().role!.type).name).toBe('ProjectRole');
  });

  it('freezes with scope BULK | ALL and requires a rehome reason', () => {
    const freeze = inputOf(mutationType.getFields().setMutationFreeze!).getFields();
    expect(enumValues(getNamedType(freeze.scope!.type)).sort()).toEqual(['ALL', 'BULK']);
    expect(String(freeze.frozen!.type)).toBe('Boolean!');
    const rehome = inputOf(mutationType.getFields().rehomeUser!).getFields();
    expect(String(rehome.reason!.type)).toBe('String!');
  });
});

describe('schema contract: types and enums', () => {
  it('has the contract enum values, exactly', () => {
    for (const [name, values] of Object.entries(CONTRACT_ENUMS)) {
      expect(enumValues(schema.getType(name)), name).toEqual(values);
    }
    expect(getNamedType(objectType('TenantMembership').getFields().status!.type).name).toBe('MembershipStatus');
    expect(getNamedType(objectType('ProjectMembership').getFields().status!.type).name).toBe('MembershipStatus');
    expect(getNamedType(objectType('TenantMembership').getFields().role!.type).name).toBe('TenantRole');
    expect(getNamedType(objectType('ProjectMembership').getFields().role!.type).name).toBe('ProjectRole');
    expect(getNamedType(objectType('User').getFields().platformRoles!.type).name).toBe('PlatformRole');
    expect(getNamedType(objectType('IamStatus').getFields().freezeScope!.type).name).toBe('FreezeScope');
  });

  it('has at least the contract fields on each type', () => {
    for (const [name, fields] of Object.entries(CONTRACT_TYPES)) {
      expect(Object.keys(objectType(name).getFields()), name).toEqual(expect.arrayContaining(fields));
    }
  });
});

describe('schema contract: connections', () => {
  const connectionFields = Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .flatMap((type) => Object.values(type.getFields()).map((field) => ({ owner: type.name, field })))
    .filter(({ field }) => getNamedType(field.type).name.endsWith('Connection'));

  it('finds the connections the contract names', () => {
    const names = new Set(connectionFields.map(({ owner, field }) => `${owner}.${field.name}`));
    for (const expected of ['Query.tenants', 'Query.auditLogs', 'Tenant.members', 'Tenant.projects', 'Project.members']) {
      expect(names.has(expected), expected).toBe(true);
    }
  });

  it('pages every connection with first (default 50) and after, returning nodes and pageInfo', () => {
    for (const { owner, field } of connectionFields) {
      const where = `${owner}.${field.name}`;
      const first = field.args.find((a) => a.name === 'first');
      const after = field.args.find((a) => a.name === 'after');
      expect(String(first?.type), `${where}(first:)`).toBe('Int');
      expect(first?.defaultValue, `${where}(first:) default`).toBe(50);
      expect(String(after?.type), `${where}(after:)`).toBe('String');
      const connection = getNamedType(field.type) as GraphQLObjectType;
      const fields = connection.getFields();
      expect(String(fields.nodes?.type), `${connection.name}.nodes`).toMatch(/^\[\w+!\]!$/);
      expect(String(fields.pageInfo?.type), `${connection.name}.pageInfo`).toBe('PageInfo!');
    }
    const pageInfo = objectType('PageInfo').getFields();
    expect(String(pageInfo.hasNextPage?.type)).toBe('Boolean!');
    expect(String(pageInfo.endCursor?.type)).toBe('String');
  });
});

describe('error contract', () => {
  const allContractReasons = new Set(Object.values(CONTRACT_ERRORS).flat());

  it('declares in src/errors/codes.ts exactly the codes and reasons of the contract', () => {
    const declared = Object.fromEntries(Object.entries(REASONS_BY_CODE).map(([code, reasons]) => [code, [...reasons].sort()]));
    const contract = Object.fromEntries(Object.entries(CONTRACT_ERRORS).map(([code, reasons]) => [code, [...reasons].sort()]));
    expect(declared).toEqual(contract);
  });

  // Types already confine reasons to ErrorReason; this catches a cast, an `as never`, or a
  // literal typed as string that would let a reason outside the contract reach a client.
  const srcDir = fileURLToPath(new URL('../../src', import.meta.url));
  const sources = listTypeScript(srcDir)
    .filter((file) => !file.includes(`${join('src', 'generated')}`))
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const raised = (pattern: RegExp) => sources.flatMap(({ file, text }) => [...text.matchAll(pattern)].map((m) => ({ file, code: m.groups?.code, reason: m.groups!.reason! })));

  it('raises only contract reasons through gatewayError and the HTTP envelope', () => {
    const sites = [
      ...raised(/gatewayError\(\s*['"`](?<reason>[^'"`]+)['"`]/g),
      ...raised(/sendErrorEnvelope\(\s*\w+\s*,\s*['"`](?<reason>[^'"`]+)['"`]/g),
      ...raised(/\bfail\(\s*['"`](?<reason>[a-z_]+)['"`]/g),
    ];
    // The scan must find the raise sites it is meant to guard, or it proves nothing.
    expect(sites.length).toBeGreaterThan(10);
    const outside = sites.filter((s) => !allContractReasons.has(s.reason));
    expect(outside).toEqual([]);
  });

  it('pairs each policy denial with the code the contract gives its reason', () => {
    const denials = raised(/\bdeny\(\s*['"](?<code>[a-z_]+)['"]\s*,\s*['"](?<reason>[a-z_]+)['"]/g);
    expect(denials.length).toBeGreaterThan(5);
    const wrong = denials.filter((d) => !(CONTRACT_ERRORS[d.code!] ?? []).includes(d.reason));
    expect(wrong).toEqual([]);
  });

  it('writes only contract code and reason pairs in hand-built envelopes', () => {
    // Only error extensions: metric labels elsewhere use code/reason keys with values such as 'none'.
    const envelopes = raised(/\bextensions:\s*\{\s*code:\s*['"](?<code>[a-z_]+)['"]\s*,\s*reason:\s*['"](?<reason>[a-z_]+)['"]/g);
    expect(envelopes.length).toBeGreaterThan(0);
    const wrong = envelopes.filter((e) => !(CONTRACT_ERRORS[e.code!] ?? []).includes(e.reason));
    expect(wrong).toEqual([]);
  });
});

function listTypeScript(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTypeScript(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}
