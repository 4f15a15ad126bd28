import { relations, sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

// Millisecond precision, like a JavaScript Date, so keyset cursors round-trip exactly.
const nowMs = sql`date_trunc('milliseconds', now())`;
const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(nowMs);
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().default(nowMs);

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  subject: text('subject').notNull().unique(),
  email: text('email'),
  displayName: text('display_name'),
  createdAt: createdAt(),
});

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const projects = pgTable(
  'projects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('projects_tenant_slug_key').on(t.tenantId, t.slug), index('projects_tenant_idx').on(t.tenantId, t.createdAt, t.id)],
);

// One row per (scope, user): a rebind updates the row, so "one active role per user and
// scope" is enforced by the unique index rather than by application code.
export const tenantMemberships = pgTable(
  'tenant_memberships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role').notNull(),
    status: text('status').notNull().default('active'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('tenant_memberships_tenant_user_key').on(t.tenantId, t.userId),
    index('tenant_memberships_user_idx').on(t.userId),
    index('tenant_memberships_tenant_idx').on(t.tenantId, t.createdAt, t.id),
    check('tenant_memberships_role_check', sql`${t.role} in ('tenant_owner','tenant_admin','tenant_member')`),
    check('tenant_memberships_status_check', sql`${t.status} in ('active','revoked')`),
  ],
);

export const projectMemberships = pgTable(
  'project_memberships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    // Denormalised so a tenant revoke can cascade to its projects in one statement.
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role').notNull(),
    status: text('status').notNull().default('active'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('project_memberships_project_user_key').on(t.projectId, t.userId),
    index('project_memberships_user_idx').on(t.userId),
    index('project_memberships_tenant_user_idx').on(t.tenantId, t.userId),
    index('project_memberships_project_idx').on(t.projectId, t.createdAt, t.id),
    check(
      'project_memberships_role_check',
      sql`${t.role} in ('project_owner','project_admin','project_editor','project_viewer')`,
    ),
    check('project_memberships_status_check', sql`${t.status} in ('active','revoked')`),
  ],
);

export const platformRoleBindings = pgTable(
  'platform_role_bindings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role').notNull(),
    status: text('status').notNull().default('active'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('platform_role_bindings_user_role_key').on(t.userId, t.role),
    check('platform_role_bindings_role_check', sql`${t.role} in ('platform_admin','platform_auditor')`),
    check('platform_role_bindings_status_check', sql`${t.status} in ('active','revoked')`),
  ],
);

// Append-only (a trigger in the migration refuses UPDATE, DELETE and TRUNCATE).
export const auditLogs = pgTable(
  'audit_logs',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: uuid('id').notNull().unique().defaultRandom(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    correlationId: text('correlation_id').notNull(),
    traceId: text('trace_id').notNull(),
    actorUserId: uuid('actor_user_id'),
    action: text('action').notNull(),
    targetUserId: uuid('target_user_id'),
    tenantId: uuid('tenant_id'),
    projectId: uuid('project_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    reason: text('reason'),
    // Tamper evidence: one hash chain per tenant ('tenant:<id>') and one for platform rows ('platform').
    chain: text('chain').notNull(),
    chainSeq: integer('chain_seq').notNull(),
    prevHash: text('prev_hash'),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_logs_correlation_idx').on(t.correlationId),
    index('audit_logs_tenant_idx').on(t.tenantId, t.seq),
    index('audit_logs_actor_idx').on(t.actorUserId, t.seq),
    index('audit_logs_target_idx').on(t.targetUserId, t.seq),
    uniqueIndex('audit_logs_chain_seq_key').on(t.chain, t.chainSeq),
  ],
);

// The head of each audit hash chain; locking it serialises appends to one chain.
export const auditChainHeads = pgTable('audit_chain_heads', {
  chain: text('chain').primaryKey(),
  chainSeq: integer('chain_seq').notNull(),
  hash: text('hash').notNull(),
});

// A single row (id = 1): the mutation freeze, shared by every gateway instance.
export const iamSettings = pgTable(
  'iam_settings',
  {
    id: integer('id').primaryKey(),
    frozen: boolean('frozen').notNull().default(false),
    freezeScope: text('freeze_scope'),
    reason: text('reason'),
    since: timestamp('since', { withTimezone: true, mode: 'date' }),
    byUserId: uuid('by_user_id'),
  },
  (t) => [check('iam_settings_singleton', sql`${t.id} = 1`)],
);

export type UserRow = typeof users.$inferSelect;
export type TenantRow = typeof tenants.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;
export type TenantMembershipRow = typeof tenantMemberships.$inferSelect;
export type ProjectMembershipRow = typeof projectMemberships.$inferSelect;
export type PlatformRoleBindingRow = typeof platformRoleBindings.$inferSelect;
export type AuditLogRow = typeof auditLogs.$inferSelect;
export type IamSettingsRow = typeof iamSettings.$inferSelect;

// Relations, for the relational queries that read a user with its bindings in one statement.
export const usersRelations = relations(users, ({ many }) => ({
  platformRoleBindings: many(platformRoleBindings),
  tenantMemberships: many(tenantMemberships),
  projectMemberships: many(projectMemberships),
}));
export const platformRoleBindingsRelations = relations(platformRoleBindings, ({ one }) => ({
  user: one(users, { fields: [platformRoleBindings.userId], references: [users.id] }),
}));
export const tenantMembershipsRelations = relations(tenantMemberships, ({ one }) => ({
  user: one(users, { fields: [tenantMemberships.userId], references: [users.id] }),
  tenant: one(tenants, { fields: [tenantMemberships.tenantId], references: [tenants.id] }),
}));
export const projectMembershipsRelations = relations(projectMemberships, ({ one }) => ({
  user: one(users, { fields: [projectMemberships.userId], references: [users.id] }),
}));
