import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { GraphQLError, Kind, validate, visit, type ArgumentNode, type DocumentNode, type GraphQLSchema, type ValueNode, type VariableNode } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination.js';

const PAGE_ARGUMENTS = new Set(['first', 'last']);

/** The page size a resolver will use for this value, for the cost: oversized values are the resolver's to refuse. */
function costedPageSize(value: unknown): number {
  if (value === null || value === undefined) return DEFAULT_PAGE_SIZE;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? Math.min(value, MAX_PAGE_SIZE) : 1;
}

/** `first: $n` or `last: $n`. */
function isVariablePageSize(node: ArgumentNode): node is ArgumentNode & { value: VariableNode } {
  return PAGE_ARGUMENTS.has(node.name.value) && node.value.kind === Kind.VARIABLE;
}

// Apollo hands every request of one query text the same parsed document: whether it has a page
// size given by a variable is worked out once per document, not per request.
const takesVariablePageSizes = new WeakMap<DocumentNode, boolean>();

function hasVariablePageSize(document: DocumentNode): boolean {
  let found = takesVariablePageSizes.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      Argument(node) {
        if (isVariablePageSize(node)) found = true;
      },
    });
    takesVariablePageSizes.set(document, found);
  }
  return found;
}

/**
 * The document with every `first`/`last` given by a variable replaced by the page size it asks
 * for, or null when no page size comes from a variable.
 */
export function withPageSizesInlined(document: DocumentNode, variables: Record<string, unknown>): DocumentNode | null {
  if (!hasVariablePageSize(document)) return null;
  const defaults = new Map<string, ValueNode | undefined>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) defaults.set(variable.variable.name.value, variable.defaultValue);
  }
  return visit(document, {
    Argument(node) {
      if (!isVariablePageSize(node)) return undefined;
      const name = node.value.name.value;
      const fallback = defaults.get(name);
      const value = name in variables ? variables[name] : fallback?.kind === Kind.INT ? Number(fallback.value) : undefined;
      return { ...node, value: { kind: Kind.INT, value: String(costedPageSize(value)) } };
    },
  });
}

/**
 * graphql-armor's cost rule multiplies a connection's cost by its `first` only when `first` is
 * written in the document: `members(first: $n)` counted as one row, so passing the page size as a
 * variable went around the cost limit. Validation runs before variables are known, so this plugin
 * runs the same rule again once they are, on the document with those page sizes written in.
 */
export function variableCostLimitPlugin<Context extends object>(maxCost: number): ApolloServerPlugin<Context> {
  const rule = costLimitRule({ maxCost });
  const refuse = (message: string) =>
    new GraphQLError(message.replace(/^Syntax Error: /, ''), { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, schema }) {
          const inlined = withPageSizesInlined(document, request.variables ?? {});
          if (inlined === null) return;
          let errors: readonly GraphQLError[];
          try {
            errors = validate(schema as GraphQLSchema, inlined, [rule]);
          } catch (error) {
            // The rule throws its refusal (propagateOnRejection) as well as reporting it.
            if (error instanceof GraphQLError) throw refuse(error.message);
            throw error;
          }
          if (errors.length > 0) throw refuse(errors[0]!.message);
        },
      };
    },
  };
}
