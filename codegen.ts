import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  // released.graphql is the breaking-change baseline (npm run schema:check), not part of the schema.
  schema: ['schema/**/*.graphql', '!schema/released.graphql'],
  generates: {
    'src/generated/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useIndexSignature: true,
        strictScalars: true,
        scalars: { DateTime: 'Date', JSON: 'unknown' },
        contextType: '../context.js#GatewayContext',
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        // Resolvers return database rows; the field resolvers turn them into the GraphQL shape.
        mappers: {
          User: '../db/schema.js#UserRow',
          Tenant: '../db/schema.js#TenantRow',
          Project: '../db/schema.js#ProjectRow',
          TenantMembership: '../db/schema.js#TenantMembershipRow',
          ProjectMembership: '../db/schema.js#ProjectMembershipRow',
          AuditLogEntry: '../db/schema.js#AuditLogRow',
          IamStatus: '../db/schema.js#IamSettingsRow',
          PlatformRolePayload: '../modules/platform/platform-service.js#PlatformRoleChange',
        },
        // GraphQL enums are scope-specific; inside, roles are the qualified names of the contract.
        enumValues: {
          PlatformRole: { ADMIN: 'platform_admin', AUDITOR: 'platform_auditor' },
          TenantRole: { OWNER: 'tenant_owner', ADMIN: 'tenant_admin', MEMBER: 'tenant_member' },
          ProjectRole: { OWNER: 'project_owner', ADMIN: 'project_admin', EDITOR: 'project_editor', VIEWER: 'project_viewer' },
          MembershipStatus: { ACTIVE: 'active', REVOKED: 'revoked' },
          FreezeScope: { BULK: 'bulk', ALL: 'all' },
        },
      },
    },
  },
};

export default config;
