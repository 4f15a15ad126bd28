import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { iamSettings, platformRoleBindings, type IamSettingsRow } from '../../db/schema.js';
import type { PlatformRole } from '../../policy/roles.js';

const now = sql`date_trunc('milliseconds', now())`;

export async function activatePlatformRole(tx: Executor, userId: string, role: PlatformRole): Promise<void> {
  await tx
    .insert(platformRoleBindings)
    .values({ userId, role, status: 'active' })
    .onConflictDoUpdate({ target: [platformRoleBindings.userId, platformRoleBindings.role], set: { status: 'active', updatedAt: now } });
}

export async function deactivatePlatformRole(tx: Executor, userId: string, role: PlatformRole): Promise<boolean> {
  const rows = await tx
    .update(platformRoleBindings)
    .set({ status: 'revoked', updatedAt: now })
    .where(and(eq(platformRoleBindings.userId, userId), eq(platformRoleBindings.role, role), eq(platformRoleBindings.status, 'active')))
    .returning({ id: platformRoleBindings.id });
  return rows.length > 0;
}

export async function writeFreeze(
  tx: Executor,
  freeze: { frozen: boolean; scope: 'bulk' | 'all' | null; reason: string | null; byUserId: string },
): Promise<IamSettingsRow> {
  const [row] = await tx
    .update(iamSettings)
    .set(
      freeze.frozen
        ? { frozen: true, freezeScope: freeze.scope, reason: freeze.reason, since: new Date(), byUserId: freeze.byUserId }
        : { frozen: false, freezeScope: null, reason: freeze.reason, since: new Date(), byUserId: freeze.byUserId },
    )
    .where(eq(iamSettings.id, 1))
    .returning();
  return row!;
}
