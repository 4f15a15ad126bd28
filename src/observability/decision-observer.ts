import type { DecisionObserver } from '../authz/authorize.js';
import type { GatewayMetrics } from './metrics.js';
import { recordSpan } from './tracing.js';

/**
 * Counts and times each policy decision and records it as a span. Never throws: observing a
 * decision must not change it.
 */
export function decisionObserver(metrics: GatewayMetrics, onError: (error: unknown) => void): DecisionObserver {
  return ({ request, decision, allowed, dryRun, startedAt }) => {
    try {
      const seconds = (performance.now() - startedAt) / 1000;
      metrics.decisions.inc({
        directive: dryRun ? 'explainGrant' : 'requiresCeiling',
        scope: request.scope,
        action: request.action,
        allowed: String(allowed),
        reason: decision.reason ?? 'none',
      });
      if (!dryRun) metrics.decisionDuration.observe(seconds);
      recordSpan(
        'iam.policy.decision',
        {
          'iam.decision.allowed': allowed,
          'iam.decision.reason': decision.reason ?? 'none',
          'iam.decision.code': decision.code ?? 'none',
          'iam.decision.ceiling': decision.ceiling ?? 'none',
          'iam.decision.requested_role': decision.requestedRole ?? 'none',
          'iam.decision.path': decision.path,
          'iam.decision.dry_run': dryRun,
          'iam.decision.action': request.action,
          'iam.decision.scope': request.scope,
          'iam.decision.items': request.items.length,
        },
        performance.timeOrigin + startedAt,
      );
    } catch (error) {
      onError(error);
    }
  };
}
