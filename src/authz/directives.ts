import { getDirective, type DirectableGraphQLObject } from '@graphql-tools/utils';
import {
  getNamedType,
  isInputObjectType,
  isNonNullType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { PolicyAction } from '../policy/decision.js';
import { isQualifiedRole, type QualifiedRole, type ScopeKind } from '../policy/roles.js';

export const ROLE_ENUMS = new Set(['PlatformRole', 'TenantRole', 'ProjectRole']);

export interface CeilingSpec {
  scope: ScopeKind;
  action: PolicyAction;
  rolePath: string | null;
  fixedRole: QualifiedRole | null;
  userPath: string | null;
  itemsPath: string | null;
  fromTenantPath: string | null;
}

export interface TenantScopeSpec {
  tenantPath: string;
  projectPath: string | null;
}

export interface FieldAuthz {
  authenticated: boolean;
  tenantScoped: TenantScopeSpec | null;
  ceiling: CeilingSpec | null;
}

const ACTIONS: Record<string, PolicyAction> = {
  BIND: 'bind',
  REVOKE: 'revoke',
  CREATE_TENANT: 'create_tenant',
  CREATE_PROJECT: 'create_project',
  REHOME: 'rehome',
  FREEZE: 'freeze',
};

export function readFieldAuthz(schema: GraphQLSchema, field: DirectableGraphQLObject & { name?: string }): FieldAuthz {
  const ceiling = getDirective(schema, field, 'requiresCeiling')?.[0];
  const scoped = getDirective(schema, field, 'tenantScoped')?.[0];
  const fixedRole = (ceiling?.fixedRole as string | undefined) ?? null;
  if (fixedRole !== null && !isQualifiedRole(fixedRole)) throw new Error(`${field.name ?? 'field'}: fixedRole ${fixedRole} is not a role`);
  return {
    authenticated: getDirective(schema, field, 'authenticated') !== undefined,
    tenantScoped: scoped ? { tenantPath: scoped.tenant as string, projectPath: (scoped.project as string | undefined) ?? null } : null,
    ceiling: ceiling
      ? {
          scope: (ceiling.scope as string).toLowerCase() as ScopeKind,
          action: ACTIONS[ceiling.action as string]!,
          rolePath: (ceiling.role as string | undefined) ?? null,
          fixedRole,
          userPath: (ceiling.user as string | undefined) ?? null,
          itemsPath: (ceiling.items as string | undefined) ?? null,
          fromTenantPath: (ceiling.fromTenant as string | undefined) ?? null,
        }
      : null,
  };
}

/** True when a role enum is reachable from an input type through its fields, however deep. */
function reachesRole(type: GraphQLInputType, seen: Set<string> = new Set()): boolean {
  const named = getNamedType(type);
  if (ROLE_ENUMS.has(named.name)) return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => reachesRole(f.type, seen));
}

/**
 * Every argument path ("input.role") whose named type is a role enum, lists included ("input.bindings.role").
 * No depth limit (a cap would let a deeply nested role through unread); an input that contains itself
 * and reaches a role is reported as "path.*", which no directive reads, so such a schema is refused.
 */
export function roleArgumentPaths(args: readonly GraphQLArgument[]): string[] {
  const paths: string[] = [];
  const visit = (type: GraphQLInputType, path: string, enclosing: ReadonlySet<string>): void => {
    const named = getNamedType(type);
    if (ROLE_ENUMS.has(named.name)) paths.push(path);
    else if (isInputObjectType(named)) {
      if (enclosing.has(named.name)) {
        if (reachesRole(named)) paths.push(`${path}.*`);
        return;
      }
      const inside = new Set([...enclosing, named.name]);
      for (const f of Object.values(named.getFields())) visit(f.type, `${path}.${f.name}`, inside);
    }
  };
  for (const arg of args) visit(arg.type, arg.name, new Set());
  return paths;
}

/**
 * True when an argument path names an existing argument or input field. A path does not go through a
 * list: valueAt reads one value, so "input.grants.role" would read nothing (lists are the items path's).
 */
export function argumentPathExists(args: readonly GraphQLArgument[], path: string): boolean {
  const [head, ...rest] = path.split('.');
  let type: GraphQLInputType | undefined = args.find((a) => a.name === head)?.type;
  for (const segment of rest) {
    if (type === undefined) return false;
    if (isNonNullType(type)) type = type.ofType as GraphQLInputType;
    if (!isInputObjectType(type)) return false;
    type = type.getFields()[segment]?.type;
  }
  return type !== undefined;
}

/** Reads args.input.tenantId for the path "input.tenantId". */
export function valueAt(args: Record<string, unknown>, path: string): unknown {
  let value: unknown = args;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}
