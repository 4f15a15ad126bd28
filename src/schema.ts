import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLScalarType, Kind, type GraphQLSchema } from 'graphql';
import { applyAuthorization, type InputValidators } from './authz/transformer.js';
import type { AuthorizeDeps } from './authz/authorize.js';
import { gatewayError } from './errors/index.js';
import type { Resolvers } from './generated/resolvers-types.js';
import { auditResolvers } from './modules/audit/resolvers.js';
import { authzResolvers } from './modules/authz/resolvers.js';
import { membershipResolvers } from './modules/membership/resolvers.js';
import { membershipValidators } from './modules/membership/validation.js';
import { platformResolvers } from './modules/platform/resolvers.js';
import { platformValidators } from './modules/platform/validation.js';
import { tenancyResolvers } from './modules/tenancy/resolvers.js';
import { tenancyValidators } from './modules/tenancy/validation.js';
import { userResolvers } from './modules/users/resolvers.js';

export const SCHEMA_DIR = fileURLToPath(new URL('../schema', import.meta.url));

/** Every SDL file of schema/ (released.graphql is the breaking-change baseline, not part of the schema). */
export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql') && f !== 'released.graphql')
    .sort()
    .map((f) => readFileSync(`${dir}/${f}`, 'utf8'));
}

function parseDate(value: unknown): Date {
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  // Years 1 to 9999 only: PostgreSQL has no year 0, and JavaScript writes years past 9999 as "+010000".
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1 || year > 9999) throw gatewayError('validation_failed', 'DateTime must be an ISO-8601 timestamp');
  return date;
}

const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => (value instanceof Date ? value : new Date(value as string)).toISOString(),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : null),
});

const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
});

const baseResolvers: Resolvers = {
  DateTime,
  JSON: JSONScalar,
  // GraphQL enums are scope-specific; inside the gateway roles are the contract's qualified names.
  PlatformRole: { ADMIN: 'platform_admin', AUDITOR: 'platform_auditor' },
  TenantRole: { OWNER: 'tenant_owner', ADMIN: 'tenant_admin', MEMBER: 'tenant_member' },
  ProjectRole: { OWNER: 'project_owner', ADMIN: 'project_admin', EDITOR: 'project_editor', VIEWER: 'project_viewer' },
  MembershipStatus: { ACTIVE: 'active', REVOKED: 'revoked' },
  FreezeScope: { BULK: 'bulk', ALL: 'all' },
};

export const resolvers: Resolvers[] = [
  baseResolvers,
  userResolvers,
  tenancyResolvers,
  membershipResolvers,
  platformResolvers,
  auditResolvers,
  authzResolvers,
];

export const inputValidators: InputValidators = { ...tenancyValidators, ...membershipValidators, ...platformValidators };

/** The executable schema, without authorization: for printing and contract tests. */
export function buildBaseSchema(typeDefs: string[] = loadTypeDefs()): GraphQLSchema {
  return makeExecutableSchema({ typeDefs, resolvers: resolvers as never });
}

/** The schema the gateway serves: refuses to build if any root field lacks authorization. */
export function buildGatewaySchema(deps: AuthorizeDeps, typeDefs: string[] = loadTypeDefs()): GraphQLSchema {
  return applyAuthorization(buildBaseSchema(typeDefs), deps, inputValidators);
}
