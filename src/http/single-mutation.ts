import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';

/**
 * One change per request: a mutation operation may select one root field (plus __typename).
 * Root mutation fields run one after another, each in its own transaction, and a later field's
 * error turns the whole `data` into null (payloads are non-null): a client would be told
 * "refused" about a request whose first change had committed. Refused before anything runs.
 */
export function singleMutationFieldRule(context: ValidationContext): ASTVisitor {
  const rootFields = (selectionSet: SelectionSetNode, fragmentsSeen: Set<string>): number => {
    let count = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) count += selection.name.value.startsWith('__') ? 0 : 1;
      else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFields(selection.selectionSet, fragmentsSeen);
      else if (!fragmentsSeen.has(selection.name.value)) {
        const fragment = context.getFragment(selection.name.value);
        if (fragment) count += rootFields(fragment.selectionSet, new Set([...fragmentsSeen, selection.name.value]));
      }
    }
    return count;
  };
  return {
    OperationDefinition(node) {
      if (node.operation === 'mutation' && rootFields(node.selectionSet, new Set()) > 1) {
        context.reportError(new GraphQLError('A mutation may change one thing per request: send each mutation field as its own request', { nodes: node }));
      }
    },
  };
}
