import type { InputValidators } from '../../authz/transformer.js';
import { gatewayError } from '../../errors/index.js';

export const MAX_BULK_BINDINGS = 500;

export const membershipValidators: InputValidators = {
  'Mutation.bulkBindProjectMemberships': (args) => {
    const bindings = (args.input as { bindings?: { userId?: unknown }[] }).bindings ?? [];
    if (bindings.length < 1 || bindings.length > MAX_BULK_BINDINGS) {
      throw gatewayError('validation_failed', `bindings must hold 1 to ${MAX_BULK_BINDINGS} items, got ${bindings.length}`, { field: 'input.bindings' });
    }
    const seen = new Set<unknown>();
    bindings.forEach((binding, index) => {
      const key = typeof binding.userId === 'string' ? binding.userId.toLowerCase() : binding.userId;
      if (seen.has(key)) throw gatewayError('validation_failed', `bindings[${index}] repeats a userId`, { field: 'input.bindings', item_index: index });
      seen.add(key);
    });
  },
};
