import { explain, type AuthorizeContext, type DecisionObserver } from './authz/authorize.js';
import { readSettings } from './authz/state-repository.js';
import type { AuthzRequest } from './authz/types.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { listAuditLogs, type AuditFilterInput } from './modules/audit/audit-service.js';
import { visibleTenants } from './modules/tenancy/tenancy-service.js';
import { UserProvisioner } from './modules/users/user-service.js';
import type { ViewerBindings } from './policy/visibility.js';

/** Application-wide services, bound to the database once at startup; resolvers reach the database only through them. */
export function createServices(database: Database, config: Config, observer?: DecisionObserver) {
  const db = database.db;
  return {
    database,
    config,
    provisioner: new UserProvisioner(db),
    audit: {
      list: (viewer: ViewerBindings, filter: AuditFilterInput | null | undefined, first?: number | null, after?: string | null) =>
        listAuditLogs(db, viewer, filter, first, after),
    },
    tenancy: {
      visibleTenants: (viewer: ViewerBindings, actorUserId: string, first?: number | null, after?: string | null) =>
        visibleTenants(db, viewer, actorUserId, first, after),
    },
    authz: {
      explain: (ctx: AuthorizeContext, request: AuthzRequest) => explain({ database, config, observer }, ctx, request),
    },
    platform: {
      status: () => readSettings(db, 'none'),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
