import type { InputValidators } from '../../authz/transformer.js';
import { requireSlug, requireText } from '../../authz/validate.js';

type Input = { input: { slug?: unknown; name?: unknown } };

function slugAndName(args: Record<string, unknown>): void {
  const { input } = args as Input;
  requireSlug(input.slug, 'input.slug');
  requireText(input.name, 'input.name', 200);
}

export const tenancyValidators: InputValidators = {
  'Mutation.createTenant': slugAndName,
  'Mutation.createProject': slugAndName,
};
