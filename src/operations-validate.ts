import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';

export interface OperationDocument {
  file: string;
  source: string;
}

export interface OperationProblem {
  file: string;
  message: string;
}

/**
 * Checks client documents against an SDL with graphql-js `validate`, plus what typed-document
 * generation relies on: one named operation per file, names unique across files.
 */
export function validateOperations(sdl: string, documents: OperationDocument[]): OperationProblem[] {
  const schema = buildSchema(sdl);
  const problems: OperationProblem[] = [];
  const seen = new Map<string, string>();
  for (const { file, source } of documents) {
    let document;
    try {
      document = parse(source);
    } catch (error) {
      problems.push({ file, message: error instanceof Error ? error.message : String(error) });
      continue;
    }
    for (const error of validate(schema, document)) problems.push({ file, message: error.message });
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1) problems.push({ file, message: `expected one operation, found ${operations.length}` });
    for (const operation of operations) {
      const name = operation.name?.value;
      if (name === undefined) problems.push({ file, message: 'the operation needs a name (typed documents are named after it)' });
      else if (seen.has(name)) problems.push({ file, message: `operation ${name} is also defined in ${seen.get(name)}` });
      else seen.set(name, file);
    }
  }
  return problems;
}
