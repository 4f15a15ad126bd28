import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/policy/decision.js';
import { answeringRefusal } from '../../src/policy/engine.js';

// Decisions shaped as decide() leaves them: every step taken, the refusing one last.
function refusedAt(path: string[], reason: Decision['reason'], code: Decision['code']): Decision {
  return { allowed: false, code, reason, ceiling: 'project_admin', requestedRole: 'project_viewer', changed: false, path };
}
const allowed: Decision = { allowed: true, code: null, reason: null, ceiling: 'project_admin', requestedRole: 'project_viewer', changed: true, path: ['noop:pass'] };
const upTo = ['freeze:pass', 'scope:pass', 'platform_admin:skip'];
const overCeiling = refusedAt([...upTo, 'ceiling_requested:deny project_owner>project_admin'], 'role_ceiling_exceeded', 'insufficient_permissions');
const currentOverCeiling = refusedAt([...upTo, 'ceiling_requested:pass', 'ceiling_current:deny project_owner>project_admin'], 'role_ceiling_exceeded', 'insufficient_permissions');
const notMember = refusedAt([...upTo, 'ceiling_requested:pass', 'ceiling_current:pass none', 'target_membership:deny'], 'target_not_tenant_member', 'conflict');
const malformed = refusedAt(['input:deny role_not_of_scope project'], 'validation_failed', 'invalid_request');

describe('answeringRefusal: which refused item of a bulk answers (contract section 3 order)', () => {
  it('is -1 when every item is allowed', () => {
    expect(answeringRefusal([allowed, allowed])).toBe(-1);
    expect(answeringRefusal([])).toBe(-1);
  });

  it('prefers the rule earlier in the order, whatever the item positions', () => {
    expect(answeringRefusal([notMember, overCeiling])).toBe(1);
    expect(answeringRefusal([allowed, notMember, currentOverCeiling])).toBe(2);
    expect(answeringRefusal([currentOverCeiling, overCeiling])).toBe(1);
    expect(answeringRefusal([overCeiling, malformed])).toBe(1);
  });

  it('takes the first item among those refused by the same rule', () => {
    expect(answeringRefusal([allowed, notMember, notMember])).toBe(1);
    expect(answeringRefusal([overCeiling, allowed, overCeiling])).toBe(0);
  });
});
