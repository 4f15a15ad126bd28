import type { InputValidators } from '../../authz/transformer.js';
import { requireText } from '../../authz/validate.js';
import { gatewayError } from '../../errors/index.js';

export const platformValidators: InputValidators = {
  'Mutation.rehomeUser': (args) => {
    const input = args.input as { reason?: unknown; fromTenantId?: unknown; toTenantId?: unknown };
    requireText(input.reason, 'input.reason', 1000);
    if (typeof input.fromTenantId === 'string' && input.fromTenantId.toLowerCase() === String(input.toTenantId).toLowerCase()) {
      throw gatewayError('validation_failed', 'fromTenantId and toTenantId must differ', { field: 'input.toTenantId' });
    }
  },
  'Mutation.setMutationFreeze': (args) => {
    const input = args.input as { frozen: boolean; scope?: unknown; reason?: unknown };
    if (input.frozen) {
      if (input.scope === null || input.scope === undefined) throw gatewayError('validation_failed', 'scope is required to freeze', { field: 'input.scope' });
      requireText(input.reason, 'input.reason', 1000);
    } else if (input.reason !== null && input.reason !== undefined) {
      requireText(input.reason, 'input.reason', 1000);
    }
  },
};
