import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { platformRoleBindings } from '../../db/schema.js';
import { appendAuditRows } from '../audit/audit-repository.js';
import { upsertUserBySubject } from './user-repository.js';

/**
 * IAM_BOOTSTRAP_PLATFORM_ADMINS: each subject holds platform_admin from startup, provisioned if
 * absent; a grant that changes something is audited as platform_role.bootstrap.
 */
export async function bootstrapPlatformAdmins(database: Database, subjects: string[], correlationId: string, traceId: string): Promise<number> {
  let granted = 0;
  for (const subject of subjects) {
    await database.db.transaction(async (tx) => {
      const user = await upsertUserBySubject(tx as never, subject, null, null);
      const [existing] = await tx
        .select()
        .from(platformRoleBindings)
        .where(and(eq(platformRoleBindings.userId, user.id), eq(platformRoleBindings.role, 'platform_admin')))
        .for('update');
      if (existing?.status === 'active') return;
      await tx
        .insert(platformRoleBindings)
        .values({ userId: user.id, role: 'platform_admin', status: 'active' })
        .onConflictDoUpdate({ target: [platformRoleBindings.userId, platformRoleBindings.role], set: { status: 'active' } });
      await appendAuditRows(tx as never, { actorUserId: null, correlationId, traceId }, [
        {
          action: 'platform_role.bootstrap',
          targetUserId: user.id,
          tenantId: null,
          projectId: null,
          before: existing ? { role: 'platform_admin', status: existing.status } : null,
          after: { role: 'platform_admin', status: 'active' },
          reason: 'IAM_BOOTSTRAP_PLATFORM_ADMINS',
        },
      ]);
      granted += 1;
    });
  }
  return granted;
}
