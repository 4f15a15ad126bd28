import { Kind, parse, type OperationDefinitionNode } from 'graphql';

export const MAX_BODY_BYTES = 100 * 1024;

/** The GraphQL request fields we need before Apollo sees the request. */
export interface GraphqlBody {
  query?: unknown;
  operationName?: unknown;
}

/**
 * True when the document asks only for introspection (__schema, __type, __typename), which an
 * anonymous client such as GraphiQL may do before a token is pasted. Anything else needs a token.
 */
export function isIntrospectionOnly(body: GraphqlBody): boolean {
  if (typeof body.query !== 'string' || body.query.length > 20_000) return false;
  try {
    const document = parse(body.query, { maxTokens: 5_000 });
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation =
      typeof body.operationName === 'string' ? operations.find((o) => o.name?.value === body.operationName) : operations.length === 1 ? operations[0] : undefined;
    if (operation === undefined || operation.operation !== 'query') return false;
    return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
  } catch {
    return false;
  }
}
