import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { UserRow, TenantRow, ProjectRow, TenantMembershipRow, ProjectMembershipRow, AuditLogRow, IamSettingsRow } from '../db/schema.js';
import type { PlatformRoleChange } from '../modules/platform/platform-service.js';
import type { GatewayContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 timestamp in UTC. */
  DateTime: { input: Date; output: Date; }
  /** Arbitrary JSON (audit before/after images). */
  JSON: { input: unknown; output: unknown; }
};

export type AssignPlatformRoleInput = {
  role: PlatformRole;
  userId: Scalars['ID']['input'];
};

export type AuditLogConnection = {
  __typename?: 'AuditLogConnection';
  nodes: Array<AuditLogEntry>;
  pageInfo: PageInfo;
};

export type AuditLogEntry = {
  __typename?: 'AuditLogEntry';
  /** e.g. tenant_membership.bind */
  action: Scalars['String']['output'];
  actorUserId: Maybe<Scalars['ID']['output']>;
  after: Maybe<Scalars['JSON']['output']>;
  before: Maybe<Scalars['JSON']['output']>;
  correlationId: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  occurredAt: Scalars['DateTime']['output'];
  projectId: Maybe<Scalars['ID']['output']>;
  reason: Maybe<Scalars['String']['output']>;
  targetUserId: Maybe<Scalars['ID']['output']>;
  tenantId: Maybe<Scalars['ID']['output']>;
  traceId: Scalars['String']['output'];
};

export type AuditLogFilter = {
  action?: InputMaybe<Scalars['String']['input']>;
  actorUserId?: InputMaybe<Scalars['ID']['input']>;
  correlationId?: InputMaybe<Scalars['String']['input']>;
  projectId?: InputMaybe<Scalars['ID']['input']>;
  since?: InputMaybe<Scalars['DateTime']['input']>;
  targetUserId?: InputMaybe<Scalars['ID']['input']>;
  tenantId?: InputMaybe<Scalars['ID']['input']>;
  until?: InputMaybe<Scalars['DateTime']['input']>;
};

/** What a @requiresCeiling field does, as the policy engine sees it. */
export enum AuthzAction {
  Bind = 'BIND',
  CreateProject = 'CREATE_PROJECT',
  CreateTenant = 'CREATE_TENANT',
  Freeze = 'FREEZE',
  Rehome = 'REHOME',
  Revoke = 'REVOKE'
}

/** The policy engine's answer for one request; the same engine decides every mutation. */
export type AuthzDecision = {
  __typename?: 'AuthzDecision';
  allowed: Scalars['Boolean']['output'];
  /** The actor's ceiling at the scope, qualified (tenant_admin), or null for none. */
  ceiling: Maybe<Scalars['String']['output']>;
  code: Maybe<Scalars['String']['output']>;
  /** The ordered rule steps the decision took, each step:outcome. */
  path: Array<Scalars['String']['output']>;
  reason: Maybe<Scalars['String']['output']>;
  requestedRole: Maybe<Scalars['String']['output']>;
};

export type BindProjectMembershipInput = {
  projectId: Scalars['ID']['input'];
  role: ProjectRole;
  tenantId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};

export type BindTenantMembershipInput = {
  role: TenantRole;
  tenantId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};

export type BulkBindProjectMembershipsInput = {
  /** 1 to 500 bindings; all are applied or none. */
  bindings: Array<ProjectBindingInput>;
  projectId: Scalars['ID']['input'];
  tenantId: Scalars['ID']['input'];
};

export type BulkBindProjectMembershipsPayload = {
  __typename?: 'BulkBindProjectMembershipsPayload';
  changedCount: Scalars['Int']['output'];
  memberships: Array<ProjectMembership>;
};

export type CreateProjectInput = {
  name: Scalars['String']['input'];
  /** Unique within the tenant; same format as a tenant slug. */
  slug: Scalars['String']['input'];
  tenantId: Scalars['ID']['input'];
};

export type CreateProjectPayload = {
  __typename?: 'CreateProjectPayload';
  project: Project;
};

export type CreateTenantInput = {
  name: Scalars['String']['input'];
  /** The tenant's first tenant_owner. */
  ownerUserId: Scalars['ID']['input'];
  /** Lowercase letters, digits and hyphens, 2 to 63 characters, starting with a letter. */
  slug: Scalars['String']['input'];
};

export type CreateTenantPayload = {
  __typename?: 'CreateTenantPayload';
  ownerMembership: TenantMembership;
  tenant: Tenant;
};

export type ExplainGrantInput = {
  action: GrantAction;
  projectId?: InputMaybe<Scalars['ID']['input']>;
  /** For BIND: the qualified role, such as tenant_owner or project_viewer. */
  role?: InputMaybe<Scalars['String']['input']>;
  scope: GrantScope;
  tenantId?: InputMaybe<Scalars['ID']['input']>;
  userId: Scalars['ID']['input'];
};

export enum FreezeScope {
  /** Every IAM mutation but setMutationFreeze is paused. */
  All = 'all',
  /** Only bulk mutations are paused. */
  Bulk = 'bulk'
}

export enum GrantAction {
  Bind = 'BIND',
  Revoke = 'REVOKE'
}

export enum GrantScope {
  Platform = 'PLATFORM',
  Project = 'PROJECT',
  Tenant = 'TENANT'
}

export type IamStatus = {
  __typename?: 'IamStatus';
  by: Maybe<User>;
  freezeScope: Maybe<FreezeScope>;
  frozen: Scalars['Boolean']['output'];
  reason: Maybe<Scalars['String']['output']>;
  since: Maybe<Scalars['DateTime']['output']>;
};

export enum MembershipStatus {
  Active = 'active',
  Revoked = 'revoked'
}

/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type Mutation = {
  __typename?: 'Mutation';
  assignPlatformRole: PlatformRolePayload;
  bindProjectMembership: ProjectMembershipPayload;
  bindTenantMembership: TenantMembershipPayload;
  bulkBindProjectMemberships: BulkBindProjectMembershipsPayload;
  /** tenant_admin or above in the tenant, or platform_admin. */
  createProject: CreateProjectPayload;
  /** platform_admin only; binds ownerUserId as the tenant's first tenant_owner. */
  createTenant: CreateTenantPayload;
  /** platform_admin only: the approved, audited move of a user between tenants. */
  rehomeUser: RehomeUserPayload;
  revokePlatformRole: PlatformRolePayload;
  /** Any user may revoke its own. */
  revokeProjectMembership: ProjectMembershipPayload;
  /** Also revokes the user's project memberships in the tenant. Any user may revoke its own. */
  revokeTenantMembership: TenantMembershipPayload;
  /** platform_admin only; works while frozen. */
  setMutationFreeze: SetMutationFreezePayload;
};


/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type MutationAssignPlatformRoleArgs = {
  input: AssignPlatformRoleInput;
};


/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type MutationBindProjectMembershipArgs = {
  input: BindProjectMembershipInput;
};


/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type MutationBindTenantMembershipArgs = {
  input: BindTenantMembershipInput;
};


/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type MutationBulkBindProjectMembershipsArgs = {
  input: BulkBindProjectMembershipsInput;
};


/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type MutationCreateProjectArgs = {
  input: CreateProjectInput;
};


/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type MutationCreateTenantArgs = {
  input: CreateTenantInput;
};


/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type MutationRehomeUserArgs = {
  input: RehomeUserInput;
};


/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type MutationRevokePlatformRoleArgs = {
  input: RevokePlatformRoleInput;
};


/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type MutationRevokeProjectMembershipArgs = {
  input: RevokeProjectMembershipInput;
};


/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type MutationRevokeTenantMembershipArgs = {
  input: RevokeTenantMembershipInput;
};


/** Each mutation takes one input and is decided by the policy engine (see @requiresCeiling). */
export type MutationSetMutationFreezeArgs = {
  input: SetMutationFreezeInput;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export enum PlatformRole {
  Admin = 'platform_admin',
  Auditor = 'platform_auditor'
}

export type PlatformRolePayload = {
  __typename?: 'PlatformRolePayload';
  changed: Scalars['Boolean']['output'];
  user: User;
};

export type Project = {
  __typename?: 'Project';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  members: ProjectMembershipConnection;
  name: Scalars['String']['output'];
  slug: Scalars['String']['output'];
  tenant: Tenant;
};


export type ProjectMembersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ProjectBindingInput = {
  role: ProjectRole;
  userId: Scalars['ID']['input'];
};

export type ProjectConnection = {
  __typename?: 'ProjectConnection';
  nodes: Array<Project>;
  pageInfo: PageInfo;
};

export type ProjectMembership = {
  __typename?: 'ProjectMembership';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  project: Project;
  role: ProjectRole;
  status: MembershipStatus;
  updatedAt: Scalars['DateTime']['output'];
  user: User;
};

export type ProjectMembershipConnection = {
  __typename?: 'ProjectMembershipConnection';
  nodes: Array<ProjectMembership>;
  pageInfo: PageInfo;
};

export type ProjectMembershipPayload = {
  __typename?: 'ProjectMembershipPayload';
  changed: Scalars['Boolean']['output'];
  membership: ProjectMembership;
};

export enum ProjectRole {
  Admin = 'project_admin',
  Editor = 'project_editor',
  Owner = 'project_owner',
  Viewer = 'project_viewer'
}

export type Query = {
  __typename?: 'Query';
  /** Newest first. Platform roles see all rows; tenant owners and admins the rows of their tenants; others none. */
  auditLogs: AuditLogConnection;
  /** A dry run of a bind or revoke: the decision the real mutation would get now. Writes nothing. */
  explainGrant: AuthzDecision;
  iamStatus: IamStatus;
  /** The authenticated actor. */
  me: User;
  project: Maybe<Project>;
  tenant: Maybe<Tenant>;
  /** Tenants the actor can see: all for platform roles, else those it is an active member of. */
  tenants: TenantConnection;
  /**
   * The actor itself, users sharing a tenant the actor administers (owner or admin), or anyone for
   * platform roles; null otherwise.
   */
  user: Maybe<User>;
};


export type QueryAuditLogsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditLogFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryExplainGrantArgs = {
  input: ExplainGrantInput;
};


export type QueryProjectArgs = {
  id: Scalars['ID']['input'];
  tenantId: Scalars['ID']['input'];
};


export type QueryTenantArgs = {
  id: Scalars['ID']['input'];
};


export type QueryTenantsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};

export type RehomeUserInput = {
  fromTenantId: Scalars['ID']['input'];
  /** Why the move was approved; stored on every audit row of the move. */
  reason: Scalars['String']['input'];
  role: TenantRole;
  toTenantId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};

export type RehomeUserPayload = {
  __typename?: 'RehomeUserPayload';
  membership: TenantMembership;
  revokedProjectMemberships: Array<ProjectMembership>;
};

export type RevokePlatformRoleInput = {
  role: PlatformRole;
  userId: Scalars['ID']['input'];
};

export type RevokeProjectMembershipInput = {
  projectId: Scalars['ID']['input'];
  tenantId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};

export type RevokeTenantMembershipInput = {
  tenantId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};

export type SetMutationFreezeInput = {
  frozen: Scalars['Boolean']['input'];
  /** Required when frozen is true. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** Required when frozen is true. */
  scope?: InputMaybe<FreezeScope>;
};

export type SetMutationFreezePayload = {
  __typename?: 'SetMutationFreezePayload';
  status: IamStatus;
};

export type Tenant = {
  __typename?: 'Tenant';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  members: TenantMembershipConnection;
  name: Scalars['String']['output'];
  projects: ProjectConnection;
  slug: Scalars['String']['output'];
};


export type TenantMembersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type TenantProjectsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type TenantConnection = {
  __typename?: 'TenantConnection';
  nodes: Array<Tenant>;
  pageInfo: PageInfo;
};

export type TenantMembership = {
  __typename?: 'TenantMembership';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  role: TenantRole;
  status: MembershipStatus;
  tenant: Tenant;
  updatedAt: Scalars['DateTime']['output'];
  user: User;
};

export type TenantMembershipConnection = {
  __typename?: 'TenantMembershipConnection';
  nodes: Array<TenantMembership>;
  pageInfo: PageInfo;
};

export type TenantMembershipPayload = {
  __typename?: 'TenantMembershipPayload';
  /** false when the user already held this role (nothing written, no audit row). */
  changed: Scalars['Boolean']['output'];
  membership: TenantMembership;
};

export enum TenantRole {
  Admin = 'tenant_admin',
  Member = 'tenant_member',
  Owner = 'tenant_owner'
}

export type User = {
  __typename?: 'User';
  createdAt: Scalars['DateTime']['output'];
  displayName: Maybe<Scalars['String']['output']>;
  email: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  platformRoles: Array<PlatformRole>;
  /** Active and revoked memberships in projects of tenants the viewer may see. */
  projectMemberships: Array<ProjectMembership>;
  /** The token's sub claim. */
  subject: Scalars['String']['output'];
  /** Active and revoked memberships in tenants the viewer may see. */
  tenantMemberships: Array<TenantMembership>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AssignPlatformRoleInput: AssignPlatformRoleInput;
  AuditLogConnection: ResolverTypeWrapper<Omit<AuditLogConnection, 'nodes'> & { nodes: Array<ResolversTypes['AuditLogEntry']> }>;
  AuditLogEntry: ResolverTypeWrapper<AuditLogRow>;
  AuditLogFilter: AuditLogFilter;
  AuthzAction: AuthzAction;
  AuthzDecision: ResolverTypeWrapper<AuthzDecision>;
  BindProjectMembershipInput: BindProjectMembershipInput;
  BindTenantMembershipInput: BindTenantMembershipInput;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  BulkBindProjectMembershipsInput: BulkBindProjectMembershipsInput;
  BulkBindProjectMembershipsPayload: ResolverTypeWrapper<Omit<BulkBindProjectMembershipsPayload, 'memberships'> & { memberships: Array<ResolversTypes['ProjectMembership']> }>;
  CreateProjectInput: CreateProjectInput;
  CreateProjectPayload: ResolverTypeWrapper<Omit<CreateProjectPayload, 'project'> & { project: ResolversTypes['Project'] }>;
  CreateTenantInput: CreateTenantInput;
  CreateTenantPayload: ResolverTypeWrapper<Omit<CreateTenantPayload, 'ownerMembership' | 'tenant'> & { ownerMembership: ResolversTypes['TenantMembership'], tenant: ResolversTypes['Tenant'] }>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  ExplainGrantInput: ExplainGrantInput;
  FreezeScope: null;
  GrantAction: GrantAction;
  GrantScope: GrantScope;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  IamStatus: ResolverTypeWrapper<IamSettingsRow>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  MembershipStatus: null;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PlatformRole: null;
  PlatformRolePayload: ResolverTypeWrapper<PlatformRoleChange>;
  Project: ResolverTypeWrapper<ProjectRow>;
  ProjectBindingInput: ProjectBindingInput;
  ProjectConnection: ResolverTypeWrapper<Omit<ProjectConnection, 'nodes'> & { nodes: Array<ResolversTypes['Project']> }>;
  ProjectMembership: ResolverTypeWrapper<ProjectMembershipRow>;
  ProjectMembershipConnection: ResolverTypeWrapper<Omit<ProjectMembershipConnection, 'nodes'> & { nodes: Array<ResolversTypes['ProjectMembership']> }>;
  ProjectMembershipPayload: ResolverTypeWrapper<Omit<ProjectMembershipPayload, 'membership'> & { membership: ResolversTypes['ProjectMembership'] }>;
  ProjectRole: null;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RehomeUserInput: RehomeUserInput;
  RehomeUserPayload: ResolverTypeWrapper<Omit<RehomeUserPayload, 'membership' | 'revokedProjectMemberships'> & { membership: ResolversTypes['TenantMembership'], revokedProjectMemberships: Array<ResolversTypes['ProjectMembership']> }>;
  RevokePlatformRoleInput: RevokePlatformRoleInput;
  RevokeProjectMembershipInput: RevokeProjectMembershipInput;
  RevokeTenantMembershipInput: RevokeTenantMembershipInput;
  SetMutationFreezeInput: SetMutationFreezeInput;
  SetMutationFreezePayload: ResolverTypeWrapper<Omit<SetMutationFreezePayload, 'status'> & { status: ResolversTypes['IamStatus'] }>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Tenant: ResolverTypeWrapper<TenantRow>;
  TenantConnection: ResolverTypeWrapper<Omit<TenantConnection, 'nodes'> & { nodes: Array<ResolversTypes['Tenant']> }>;
  TenantMembership: ResolverTypeWrapper<TenantMembershipRow>;
  TenantMembershipConnection: ResolverTypeWrapper<Omit<TenantMembershipConnection, 'nodes'> & { nodes: Array<ResolversTypes['TenantMembership']> }>;
  TenantMembershipPayload: ResolverTypeWrapper<Omit<TenantMembershipPayload, 'membership'> & { membership: ResolversTypes['TenantMembership'] }>;
  TenantRole: null;
  User: ResolverTypeWrapper<UserRow>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AssignPlatformRoleInput: AssignPlatformRoleInput;
  AuditLogConnection: Omit<AuditLogConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['AuditLogEntry']> };
  AuditLogEntry: AuditLogRow;
  AuditLogFilter: AuditLogFilter;
  AuthzDecision: AuthzDecision;
  BindProjectMembershipInput: BindProjectMembershipInput;
  BindTenantMembershipInput: BindTenantMembershipInput;
  Boolean: Scalars['Boolean']['output'];
  BulkBindProjectMembershipsInput: BulkBindProjectMembershipsInput;
  BulkBindProjectMembershipsPayload: Omit<BulkBindProjectMembershipsPayload, 'memberships'> & { memberships: Array<ResolversParentTypes['ProjectMembership']> };
  CreateProjectInput: CreateProjectInput;
  CreateProjectPayload: Omit<CreateProjectPayload, 'project'> & { project: ResolversParentTypes['Project'] };
  CreateTenantInput: CreateTenantInput;
  CreateTenantPayload: Omit<CreateTenantPayload, 'ownerMembership' | 'tenant'> & { ownerMembership: ResolversParentTypes['TenantMembership'], tenant: ResolversParentTypes['Tenant'] };
  DateTime: Scalars['DateTime']['output'];
  ExplainGrantInput: ExplainGrantInput;
  ID: Scalars['ID']['output'];
  IamStatus: IamSettingsRow;
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  PlatformRolePayload: PlatformRoleChange;
  Project: ProjectRow;
  ProjectBindingInput: ProjectBindingInput;
  ProjectConnection: Omit<ProjectConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['Project']> };
  ProjectMembership: ProjectMembershipRow;
  ProjectMembershipConnection: Omit<ProjectMembershipConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['ProjectMembership']> };
  ProjectMembershipPayload: Omit<ProjectMembershipPayload, 'membership'> & { membership: ResolversParentTypes['ProjectMembership'] };
  Query: Record<PropertyKey, never>;
  RehomeUserInput: RehomeUserInput;
  RehomeUserPayload: Omit<RehomeUserPayload, 'membership' | 'revokedProjectMemberships'> & { membership: ResolversParentTypes['TenantMembership'], revokedProjectMemberships: Array<ResolversParentTypes['ProjectMembership']> };
  RevokePlatformRoleInput: RevokePlatformRoleInput;
  RevokeProjectMembershipInput: RevokeProjectMembershipInput;
  RevokeTenantMembershipInput: RevokeTenantMembershipInput;
  SetMutationFreezeInput: SetMutationFreezeInput;
  SetMutationFreezePayload: Omit<SetMutationFreezePayload, 'status'> & { status: ResolversParentTypes['IamStatus'] };
  String: Scalars['String']['output'];
  Tenant: TenantRow;
  TenantConnection: Omit<TenantConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['Tenant']> };
  TenantMembership: TenantMembershipRow;
  TenantMembershipConnection: Omit<TenantMembershipConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['TenantMembership']> };
  TenantMembershipPayload: Omit<TenantMembershipPayload, 'membership'> & { membership: ResolversParentTypes['TenantMembership'] };
  User: UserRow;
}>;

export type AuthenticatedDirectiveArgs = { };

export type AuthenticatedDirectiveResolver<Result, Parent, ContextType = GatewayContext, Args = AuthenticatedDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type RequiresCeilingDirectiveArgs = {
  action: AuthzAction;
  fixedRole?: Maybe<Scalars['String']['input']>;
  fromTenant?: Maybe<Scalars['String']['input']>;
  items?: Maybe<Scalars['String']['input']>;
  role?: Maybe<Scalars['String']['input']>;
  scope: GrantScope;
  user?: Maybe<Scalars['String']['input']>;
};

export type RequiresCeilingDirectiveResolver<Result, Parent, ContextType = GatewayContext, Args = RequiresCeilingDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type TenantScopedDirectiveArgs = {
  project?: Maybe<Scalars['String']['input']>;
  tenant: Scalars['String']['input'];
};

export type TenantScopedDirectiveResolver<Result, Parent, ContextType = GatewayContext, Args = TenantScopedDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AuditLogConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['AuditLogConnection'] = ResolversParentTypes['AuditLogConnection']> = ResolversObject<{
  nodes?: Resolver<Array<ResolversTypes['AuditLogEntry']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type AuditLogEntryResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['AuditLogEntry'] = ResolversParentTypes['AuditLogEntry']> = ResolversObject<{
  action?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  actorUserId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  after?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  before?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  correlationId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  occurredAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  projectId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  targetUserId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  tenantId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  traceId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type AuthzDecisionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['AuthzDecision'] = ResolversParentTypes['AuthzDecision']> = ResolversObject<{
  allowed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  ceiling?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  code?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  path?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  requestedRole?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type BulkBindProjectMembershipsPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['BulkBindProjectMembershipsPayload'] = ResolversParentTypes['BulkBindProjectMembershipsPayload']> = ResolversObject<{
  changedCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  memberships?: Resolver<Array<ResolversTypes['ProjectMembership']>, ParentType, ContextType>;
}>;

export type CreateProjectPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['CreateProjectPayload'] = ResolversParentTypes['CreateProjectPayload']> = ResolversObject<{
  project?: Resolver<ResolversTypes['Project'], ParentType, ContextType>;
}>;

export type CreateTenantPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['CreateTenantPayload'] = ResolversParentTypes['CreateTenantPayload']> = ResolversObject<{
  ownerMembership?: Resolver<ResolversTypes['TenantMembership'], ParentType, ContextType>;
  tenant?: Resolver<ResolversTypes['Tenant'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type FreezeScopeResolvers = { ALL: 'all', BULK: 'bulk' };

export type IamStatusResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['IamStatus'] = ResolversParentTypes['IamStatus']> = ResolversObject<{
  by?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  freezeScope?: Resolver<Maybe<ResolversTypes['FreezeScope']>, ParentType, ContextType>;
  frozen?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  since?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
}>;

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type MembershipStatusResolvers = { ACTIVE: 'active', REVOKED: 'revoked' };

export type MutationResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  assignPlatformRole?: Resolver<ResolversTypes['PlatformRolePayload'], ParentType, ContextType, RequireFields<MutationAssignPlatformRoleArgs, 'input'>>;
  bindProjectMembership?: Resolver<ResolversTypes['ProjectMembershipPayload'], ParentType, ContextType, RequireFields<MutationBindProjectMembershipArgs, 'input'>>;
  bindTenantMembership?: Resolver<ResolversTypes['TenantMembershipPayload'], ParentType, ContextType, RequireFields<MutationBindTenantMembershipArgs, 'input'>>;
  bulkBindProjectMemberships?: Resolver<ResolversTypes['BulkBindProjectMembershipsPayload'], ParentType, ContextType, RequireFields<MutationBulkBindProjectMembershipsArgs, 'input'>>;
  createProject?: Resolver<ResolversTypes['CreateProjectPayload'], ParentType, ContextType, RequireFields<MutationCreateProjectArgs, 'input'>>;
  createTenant?: Resolver<ResolversTypes['CreateTenantPayload'], ParentType, ContextType, RequireFields<MutationCreateTenantArgs, 'input'>>;
  rehomeUser?: Resolver<ResolversTypes['RehomeUserPayload'], ParentType, ContextType, RequireFields<MutationRehomeUserArgs, 'input'>>;
  revokePlatformRole?: Resolver<ResolversTypes['PlatformRolePayload'], ParentType, ContextType, RequireFields<MutationRevokePlatformRoleArgs, 'input'>>;
  revokeProjectMembership?: Resolver<ResolversTypes['ProjectMembershipPayload'], ParentType, ContextType, RequireFields<MutationRevokeProjectMembershipArgs, 'input'>>;
  revokeTenantMembership?: Resolver<ResolversTypes['TenantMembershipPayload'], ParentType, ContextType, RequireFields<MutationRevokeTenantMembershipArgs, 'input'>>;
  setMutationFreeze?: Resolver<ResolversTypes['SetMutationFreezePayload'], ParentType, ContextType, RequireFields<MutationSetMutationFreezeArgs, 'input'>>;
}>;

export type PageInfoResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PlatformRoleResolvers = { ADMIN: 'platform_admin', AUDITOR: 'platform_auditor' };

export type PlatformRolePayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PlatformRolePayload'] = ResolversParentTypes['PlatformRolePayload']> = ResolversObject<{
  changed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type ProjectResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Project'] = ResolversParentTypes['Project']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  members?: Resolver<ResolversTypes['ProjectMembershipConnection'], ParentType, ContextType, RequireFields<ProjectMembersArgs, 'first'>>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tenant?: Resolver<ResolversTypes['Tenant'], ParentType, ContextType>;
}>;

export type ProjectConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ProjectConnection'] = ResolversParentTypes['ProjectConnection']> = ResolversObject<{
  nodes?: Resolver<Array<ResolversTypes['Project']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type ProjectMembershipResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ProjectMembership'] = ResolversParentTypes['ProjectMembership']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  project?: Resolver<ResolversTypes['Project'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['ProjectRole'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['MembershipStatus'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type ProjectMembershipConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ProjectMembershipConnection'] = ResolversParentTypes['ProjectMembershipConnection']> = ResolversObject<{
  nodes?: Resolver<Array<ResolversTypes['ProjectMembership']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type ProjectMembershipPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ProjectMembershipPayload'] = ResolversParentTypes['ProjectMembershipPayload']> = ResolversObject<{
  changed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  membership?: Resolver<ResolversTypes['ProjectMembership'], ParentType, ContextType>;
}>;

export type ProjectRoleResolvers = { ADMIN: 'project_admin', EDITOR: 'project_editor', OWNER: 'project_owner', VIEWER: 'project_viewer' };

export type QueryResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  auditLogs?: Resolver<ResolversTypes['AuditLogConnection'], ParentType, ContextType, RequireFields<QueryAuditLogsArgs, 'first'>>;
  explainGrant?: Resolver<ResolversTypes['AuthzDecision'], ParentType, ContextType, RequireFields<QueryExplainGrantArgs, 'input'>>;
  iamStatus?: Resolver<ResolversTypes['IamStatus'], ParentType, ContextType>;
  me?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  project?: Resolver<Maybe<ResolversTypes['Project']>, ParentType, ContextType, RequireFields<QueryProjectArgs, 'id' | 'tenantId'>>;
  tenant?: Resolver<Maybe<ResolversTypes['Tenant']>, ParentType, ContextType, RequireFields<QueryTenantArgs, 'id'>>;
  tenants?: Resolver<ResolversTypes['TenantConnection'], ParentType, ContextType, RequireFields<QueryTenantsArgs, 'first'>>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType, RequireFields<QueryUserArgs, 'id'>>;
}>;

export type RehomeUserPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['RehomeUserPayload'] = ResolversParentTypes['RehomeUserPayload']> = ResolversObject<{
  membership?: Resolver<ResolversTypes['TenantMembership'], ParentType, ContextType>;
  revokedProjectMemberships?: Resolver<Array<ResolversTypes['ProjectMembership']>, ParentType, ContextType>;
}>;

export type SetMutationFreezePayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['SetMutationFreezePayload'] = ResolversParentTypes['SetMutationFreezePayload']> = ResolversObject<{
  status?: Resolver<ResolversTypes['IamStatus'], ParentType, ContextType>;
}>;

export type TenantResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Tenant'] = ResolversParentTypes['Tenant']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  members?: Resolver<ResolversTypes['TenantMembershipConnection'], ParentType, ContextType, RequireFields<TenantMembersArgs, 'first'>>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  projects?: Resolver<ResolversTypes['ProjectConnection'], ParentType, ContextType, RequireFields<TenantProjectsArgs, 'first'>>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type TenantConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['TenantConnection'] = ResolversParentTypes['TenantConnection']> = ResolversObject<{
  nodes?: Resolver<Array<ResolversTypes['Tenant']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type TenantMembershipResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['TenantMembership'] = ResolversParentTypes['TenantMembership']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['TenantRole'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['MembershipStatus'], ParentType, ContextType>;
  tenant?: Resolver<ResolversTypes['Tenant'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type TenantMembershipConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['TenantMembershipConnection'] = ResolversParentTypes['TenantMembershipConnection']> = ResolversObject<{
  nodes?: Resolver<Array<ResolversTypes['TenantMembership']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type TenantMembershipPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['TenantMembershipPayload'] = ResolversParentTypes['TenantMembershipPayload']> = ResolversObject<{
  changed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  membership?: Resolver<ResolversTypes['TenantMembership'], ParentType, ContextType>;
}>;

export type TenantRoleResolvers = { ADMIN: 'tenant_admin', MEMBER: 'tenant_member', OWNER: 'tenant_owner' };

export type UserResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  displayName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  platformRoles?: Resolver<Array<ResolversTypes['PlatformRole']>, ParentType, ContextType>;
  projectMemberships?: Resolver<Array<ResolversTypes['ProjectMembership']>, ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tenantMemberships?: Resolver<Array<ResolversTypes['TenantMembership']>, ParentType, ContextType>;
}>;

export type Resolvers<ContextType = GatewayContext> = ResolversObject<{
  AuditLogConnection?: AuditLogConnectionResolvers<ContextType>;
  AuditLogEntry?: AuditLogEntryResolvers<ContextType>;
  AuthzDecision?: AuthzDecisionResolvers<ContextType>;
  BulkBindProjectMembershipsPayload?: BulkBindProjectMembershipsPayloadResolvers<ContextType>;
  CreateProjectPayload?: CreateProjectPayloadResolvers<ContextType>;
  CreateTenantPayload?: CreateTenantPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  FreezeScope?: FreezeScopeResolvers;
  IamStatus?: IamStatusResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  MembershipStatus?: MembershipStatusResolvers;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PlatformRole?: PlatformRoleResolvers;
  PlatformRolePayload?: PlatformRolePayloadResolvers<ContextType>;
  Project?: ProjectResolvers<ContextType>;
  ProjectConnection?: ProjectConnectionResolvers<ContextType>;
  ProjectMembership?: ProjectMembershipResolvers<ContextType>;
  ProjectMembershipConnection?: ProjectMembershipConnectionResolvers<ContextType>;
  ProjectMembershipPayload?: ProjectMembershipPayloadResolvers<ContextType>;
  ProjectRole?: ProjectRoleResolvers;
  Query?: QueryResolvers<ContextType>;
  RehomeUserPayload?: RehomeUserPayloadResolvers<ContextType>;
  SetMutationFreezePayload?: SetMutationFreezePayloadResolvers<ContextType>;
  Tenant?: TenantResolvers<ContextType>;
  TenantConnection?: TenantConnectionResolvers<ContextType>;
  TenantMembership?: TenantMembershipResolvers<ContextType>;
  TenantMembershipConnection?: TenantMembershipConnectionResolvers<ContextType>;
  TenantMembershipPayload?: TenantMembershipPayloadResolvers<ContextType>;
  TenantRole?: TenantRoleResolvers;
  User?: UserResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = GatewayContext> = ResolversObject<{
  authenticated?: AuthenticatedDirectiveResolver<any, any, ContextType>;
  requiresCeiling?: RequiresCeilingDirectiveResolver<any, any, ContextType>;
  tenantScoped?: TenantScopedDirectiveResolver<any, any, ContextType>;
}>;
