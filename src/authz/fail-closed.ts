import { isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { argumentPathExists, readFieldAuthz, roleArgumentPaths } from './directives.js';

/**
 * Refuses a schema that would let a root field run without an authorization decision: every root
 * Query field needs @authenticated, @tenantScoped or @requiresCeiling; every Mutation field needs
 * @requiresCeiling, and every role it takes must be the one that directive reads.
 */
export function assertEveryRootFieldAuthorized(schema: GraphQLSchema): void {
  const problems: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const where = `${root.name}.${field.name}`;
      const authz = readFieldAuthz(schema, field);
      if (!authz.authenticated && authz.tenantScoped === null && authz.ceiling === null) {
        problems.push(`${where} has no authorization directive (@authenticated, @tenantScoped or @requiresCeiling)`);
        continue;
      }
      if (root === schema.getSubscriptionType()) problems.push(`${where}: subscriptions are not authorized by this gateway`);
      if (root === schema.getMutationType() && authz.ceiling === null) {
        problems.push(`${where} is a mutation without @requiresCeiling`);
      }
      const declaredPaths = [
        authz.ceiling?.rolePath,
        authz.ceiling?.userPath,
        authz.ceiling?.itemsPath,
        authz.ceiling?.fromTenantPath,
        authz.tenantScoped?.tenantPath,
        authz.tenantScoped?.projectPath,
      ].filter((p): p is string => typeof p === 'string');
      for (const path of declaredPaths) {
        if (!argumentPathExists(field.args, path)) problems.push(`${where}: directive names argument "${path}", which does not exist`);
      }
      const readRoles = new Set<string>();
      if (authz.ceiling?.rolePath) readRoles.add(authz.ceiling.rolePath);
      if (authz.ceiling?.itemsPath) readRoles.add(`${authz.ceiling.itemsPath}.role`);
      for (const rolePath of roleArgumentPaths(field.args)) {
        if (!readRoles.has(rolePath)) problems.push(`${where} takes the role "${rolePath}" without a @requiresCeiling that reads it`);
      }
    }
  }
  // The transformer wraps root fields only: a directive anywhere else would look like protection and be none.
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((r) => r?.name));
  for (const type of Object.values(schema.getTypeMap())) {
    if (roots.has(type.name) || type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const authz = readFieldAuthz(schema, field);
      if (authz.authenticated || authz.tenantScoped !== null || authz.ceiling !== null) {
        problems.push(`${type.name}.${field.name} carries an authorization directive, which is enforced only on root Query and Mutation fields`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`Refusing to start: the schema is not fully authorized:\n  - ${problems.join('\n  - ')}`);
  }
}
