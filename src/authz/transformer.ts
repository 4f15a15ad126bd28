import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context.js';
import { gatewayError } from '../errors/index.js';
import { isQualifiedRole, type QualifiedRole } from '../policy/roles.js';
import { authorizeAndRun, type AuthorizeDeps } from './authorize.js';
import { readFieldAuthz, valueAt, type CeilingSpec, type FieldAuthz, type TenantScopeSpec } from './directives.js';
import { assertEveryRootFieldAuthorized } from './fail-closed.js';
import { resolveReadScope } from './read-scope.js';
import type { AuthzItem, AuthzRequest } from './types.js';
import { requireUuid } from './validate.js';

/** Per-field input checks that must answer before the freeze and the scope (contract section 3 order). */
export type InputValidators = Record<string, (args: Record<string, unknown>) => void>;

type Resolver = NonNullable<GraphQLFieldConfig<unknown, GatewayContext>['resolve']>;

function requireAuthenticated(ctx: GatewayContext): string {
  if (ctx.actor === null) throw gatewayError('missing_token', 'A bearer token is required');
  return ctx.actor.userId;
}

function optionalUuid(args: Record<string, unknown>, path: string | null): string | null {
  return path === null ? null : requireUuid(valueAt(args, path), path);
}

function roleAt(args: Record<string, unknown>, path: string): QualifiedRole {
  const value = valueAt(args, path);
  if (typeof value !== 'string' || !isQualifiedRole(value)) throw gatewayError('validation_failed', `${path} is not a role`);
  return value;
}

/** Reads the request the policy engine decides from the field's arguments, as its directives say. */
function requestFrom(ceiling: CeilingSpec, scoped: TenantScopeSpec | null, args: Record<string, unknown>): AuthzRequest {
  let items: AuthzItem[];
  if (ceiling.itemsPath !== null) {
    const list = valueAt(args, ceiling.itemsPath);
    if (!Array.isArray(list)) throw gatewayError('validation_failed', `${ceiling.itemsPath} must be a list`);
    items = list.map((item: Record<string, unknown>, index) => ({
      userId: requireUuid(item.userId, `${ceiling.itemsPath}[${index}].userId`),
      role: roleAt(item, 'role'),
    }));
  } else {
    items = [
      {
        userId: optionalUuid(args, ceiling.userPath),
        role: ceiling.fixedRole ?? (ceiling.rolePath === null ? null : roleAt(args, ceiling.rolePath)),
      },
    ];
  }
  return {
    action: ceiling.action,
    scope: ceiling.scope,
    tenantId: scoped === null ? null : requireUuid(valueAt(args, scoped.tenantPath), scoped.tenantPath),
    projectId: scoped === null ? null : optionalUuid(args, scoped.projectPath),
    fromTenantId: optionalUuid(args, ceiling.fromTenantPath),
    items,
    bulk: ceiling.itemsPath !== null,
  };
}

function wrap(fieldName: string, authz: FieldAuthz, resolve: Resolver, deps: AuthorizeDeps, validate: InputValidators[string] | undefined): Resolver {
  const { ceiling, tenantScoped } = authz;
  if (ceiling !== null) {
    return async (source, args, ctx, info) => {
      const actorUserId = requireAuthenticated(ctx);
      validate?.(args);
      const request = requestFrom(ceiling, tenantScoped, args);
      const authorizeCtx = { actorUserId, correlationId: ctx.correlationId, traceId: ctx.traceId, log: ctx.log, operation: fieldName };
      return authorizeAndRun(deps, authorizeCtx, request, async (grant) => resolve(source, args, { ...ctx, authz: grant }, info));
    };
  }
  if (tenantScoped !== null) {
    return async (source, args, ctx, info) => {
      requireAuthenticated(ctx);
      validate?.(args);
      const tenantId = requireUuid(valueAt(args, tenantScoped.tenantPath), tenantScoped.tenantPath);
      const projectId = optionalUuid(args, tenantScoped.projectPath);
      const scope = await resolveReadScope(ctx.loaders, tenantId, projectId);
      return resolve(source, args, { ...ctx, scope }, info);
    };
  }
  return (source, args, ctx, info) => {
    requireAuthenticated(ctx);
    validate?.(args);
    return resolve(source, args, ctx, info);
  };
}

/**
 * The policy transformer: refuses a schema with an unauthorized root field, then wraps each root
 * field so that authentication, input validation, scope and the policy decision all happen before
 * its resolver runs. Only root fields are wrapped; nested fields are reached through them.
 */
export function applyAuthorization(schema: GraphQLSchema, deps: AuthorizeDeps, validators: InputValidators = {}): GraphQLSchema {
  assertEveryRootFieldAuthorized(schema);
  const rootField =
    (typeName: 'Query' | 'Mutation') =>
    (fieldConfig: GraphQLFieldConfig<unknown, GatewayContext>, fieldName: string): GraphQLFieldConfig<unknown, GatewayContext> => {
      const authz = readFieldAuthz(schema, fieldConfig);
      const resolve = (fieldConfig.resolve ?? defaultFieldResolver) as Resolver;
      return { ...fieldConfig, resolve: wrap(fieldName, authz, resolve, deps, validators[`${typeName}.${fieldName}`]) };
    };
  return mapSchema(schema, {
    [MapperKind.QUERY_ROOT_FIELD]: rootField('Query'),
    [MapperKind.MUTATION_ROOT_FIELD]: rootField('Mutation'),
  });
}
