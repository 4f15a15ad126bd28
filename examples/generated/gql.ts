/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query AuditLogsByCorrelationId($correlationId: String!, $first: Int = 50, $after: String) {\n  auditLogs(filter: {correlationId: $correlationId}, first: $first, after: $after) {\n    nodes {\n      id\n      occurredAt\n      correlationId\n      traceId\n      action\n      actorUserId\n      targetUserId\n      tenantId\n      projectId\n      before\n      after\n      reason\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.AuditLogsByCorrelationIdDocument,
    "mutation BindProjectMember($input: BindProjectMembershipInput!) {\n  bindProjectMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n      project {\n        id\n      }\n      user {\n        id\n        subject\n      }\n    }\n  }\n}": typeof types.BindProjectMemberDocument,
    "mutation BindTenantMember($input: BindTenantMembershipInput!) {\n  bindTenantMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n      tenant {\n        id\n      }\n      user {\n        id\n        subject\n      }\n    }\n  }\n}": typeof types.BindTenantMemberDocument,
    "query ExplainGrant($input: ExplainGrantInput!) {\n  explainGrant(input: $input) {\n    allowed\n    code\n    reason\n    ceiling\n    requestedRole\n    path\n  }\n}": typeof types.ExplainGrantDocument,
    "query IamStatus {\n  iamStatus {\n    frozen\n    freezeScope\n    reason\n    since\n    by {\n      id\n      subject\n    }\n  }\n}": typeof types.IamStatusDocument,
    "query Me {\n  me {\n    id\n    subject\n    email\n    displayName\n    platformRoles\n    tenantMemberships {\n      id\n      role\n      status\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n    projectMemberships {\n      id\n      role\n      status\n      project {\n        id\n        slug\n        name\n        tenant {\n          id\n        }\n      }\n    }\n  }\n}": typeof types.MeDocument,
    "mutation RevokeProjectMember($input: RevokeProjectMembershipInput!) {\n  revokeProjectMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n    }\n  }\n}": typeof types.RevokeProjectMemberDocument,
    "mutation RevokeTenantMember($input: RevokeTenantMembershipInput!) {\n  revokeTenantMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n    }\n  }\n}": typeof types.RevokeTenantMemberDocument,
    "query TenantMembers($tenantId: ID!, $first: Int = 50, $after: String) {\n  tenant(id: $tenantId) {\n    id\n    slug\n    name\n    members(first: $first, after: $after) {\n      nodes {\n        id\n        role\n        status\n        createdAt\n        updatedAt\n        user {\n          id\n          subject\n          email\n          displayName\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": typeof types.TenantMembersDocument,
};
const documents: Documents = {
    "query AuditLogsByCorrelationId($correlationId: String!, $first: Int = 50, $after: String) {\n  auditLogs(filter: {correlationId: $correlationId}, first: $first, after: $after) {\n    nodes {\n      id\n      occurredAt\n      correlationId\n      traceId\n      action\n      actorUserId\n      targetUserId\n      tenantId\n      projectId\n      before\n      after\n      reason\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.AuditLogsByCorrelationIdDocument,
    "mutation BindProjectMember($input: BindProjectMembershipInput!) {\n  bindProjectMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n      project {\n        id\n      }\n      user {\n        id\n        subject\n      }\n    }\n  }\n}": types.BindProjectMemberDocument,
    "mutation BindTenantMember($input: BindTenantMembershipInput!) {\n  bindTenantMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n      tenant {\n        id\n      }\n      user {\n        id\n        subject\n      }\n    }\n  }\n}": types.BindTenantMemberDocument,
    "query ExplainGrant($input: ExplainGrantInput!) {\n  explainGrant(input: $input) {\n    allowed\n    code\n    reason\n    ceiling\n    requestedRole\n    path\n  }\n}": types.ExplainGrantDocument,
    "query IamStatus {\n  iamStatus {\n    frozen\n    freezeScope\n    reason\n    since\n    by {\n      id\n      subject\n    }\n  }\n}": types.IamStatusDocument,
    "query Me {\n  me {\n    id\n    subject\n    email\n    displayName\n    platformRoles\n    tenantMemberships {\n      id\n      role\n      status\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n    projectMemberships {\n      id\n      role\n      status\n      project {\n        id\n        slug\n        name\n        tenant {\n          id\n        }\n      }\n    }\n  }\n}": types.MeDocument,
    "mutation RevokeProjectMember($input: RevokeProjectMembershipInput!) {\n  revokeProjectMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n    }\n  }\n}": types.RevokeProjectMemberDocument,
    "mutation RevokeTenantMember($input: RevokeTenantMembershipInput!) {\n  revokeTenantMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n    }\n  }\n}": types.RevokeTenantMemberDocument,
    "query TenantMembers($tenantId: ID!, $first: Int = 50, $after: String) {\n  tenant(id: $tenantId) {\n    id\n    slug\n    name\n    members(first: $first, after: $after) {\n      nodes {\n        id\n        role\n        status\n        createdAt\n        updatedAt\n        user {\n          id\n          subject\n          email\n          displayName\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": types.TenantMembersDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AuditLogsByCorrelationId($correlationId: String!, $first: Int = 50, $after: String) {\n  auditLogs(filter: {correlationId: $correlationId}, first: $first, after: $after) {\n    nodes {\n      id\n      occurredAt\n      correlationId\n      traceId\n      action\n      actorUserId\n      targetUserId\n      tenantId\n      projectId\n      before\n      after\n      reason\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query AuditLogsByCorrelationId($correlationId: String!, $first: Int = 50, $after: String) {\n  auditLogs(filter: {correlationId: $correlationId}, first: $first, after: $after) {\n    nodes {\n      id\n      occurredAt\n      correlationId\n      traceId\n      action\n      actorUserId\n      targetUserId\n      tenantId\n      projectId\n      before\n      after\n      reason\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation BindProjectMember($input: BindProjectMembershipInput!) {\n  bindProjectMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n      project {\n        id\n      }\n      user {\n        id\n        subject\n      }\n    }\n  }\n}"): (typeof documents)["mutation BindProjectMember($input: BindProjectMembershipInput!) {\n  bindProjectMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n      project {\n        id\n      }\n      user {\n        id\n        subject\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation BindTenantMember($input: BindTenantMembershipInput!) {\n  bindTenantMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n      tenant {\n        id\n      }\n      user {\n        id\n        subject\n      }\n    }\n  }\n}"): (typeof documents)["mutation BindTenantMember($input: BindTenantMembershipInput!) {\n  bindTenantMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n      tenant {\n        id\n      }\n      user {\n        id\n        subject\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ExplainGrant($input: ExplainGrantInput!) {\n  explainGrant(input: $input) {\n    allowed\n    code\n    reason\n    ceiling\n    requestedRole\n    path\n  }\n}"): (typeof documents)["query ExplainGrant($input: ExplainGrantInput!) {\n  explainGrant(input: $input) {\n    allowed\n    code\n    reason\n    ceiling\n    requestedRole\n    path\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query IamStatus {\n  iamStatus {\n    frozen\n    freezeScope\n    reason\n    since\n    by {\n      id\n      subject\n    }\n  }\n}"): (typeof documents)["query IamStatus {\n  iamStatus {\n    frozen\n    freezeScope\n    reason\n    since\n    by {\n      id\n      subject\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me {\n  me {\n    id\n    subject\n    email\n    displayName\n    platformRoles\n    tenantMemberships {\n      id\n      role\n      status\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n    projectMemberships {\n      id\n      role\n      status\n      project {\n        id\n        slug\n        name\n        tenant {\n          id\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query Me {\n  me {\n    id\n    subject\n    email\n    displayName\n    platformRoles\n    tenantMemberships {\n      id\n      role\n      status\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n    projectMemberships {\n      id\n      role\n      status\n      project {\n        id\n        slug\n        name\n        tenant {\n          id\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RevokeProjectMember($input: RevokeProjectMembershipInput!) {\n  revokeProjectMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n    }\n  }\n}"): (typeof documents)["mutation RevokeProjectMember($input: RevokeProjectMembershipInput!) {\n  revokeProjectMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RevokeTenantMember($input: RevokeTenantMembershipInput!) {\n  revokeTenantMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n    }\n  }\n}"): (typeof documents)["mutation RevokeTenantMember($input: RevokeTenantMembershipInput!) {\n  revokeTenantMembership(input: $input) {\n    changed\n    membership {\n      id\n      role\n      status\n      updatedAt\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TenantMembers($tenantId: ID!, $first: Int = 50, $after: String) {\n  tenant(id: $tenantId) {\n    id\n    slug\n    name\n    members(first: $first, after: $after) {\n      nodes {\n        id\n        role\n        status\n        createdAt\n        updatedAt\n        user {\n          id\n          subject\n          email\n          displayName\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"): (typeof documents)["query TenantMembers($tenantId: ID!, $first: Int = 50, $after: String) {\n  tenant(id: $tenantId) {\n    id\n    slug\n    name\n    members(first: $first, after: $after) {\n      nodes {\n        id\n        role\n        status\n        createdAt\n        updatedAt\n        user {\n          id\n          subject\n          email\n          displayName\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;