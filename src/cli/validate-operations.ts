// Validates the example client operations (examples/operations/*.graphql) against the published
// schema.graphql, as a client build would: exit 1 on any invalid document.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateOperations } from '../operations-validate.js';

const root = (file: string) => fileURLToPath(new URL(`../../${file}`, import.meta.url));
const dir = root('examples/operations');
const documents = readdirSync(dir)
  .filter((f) => f.endsWith('.graphql'))
  .sort()
  .map((file) => ({ file: `examples/operations/${file}`, source: readFileSync(`${dir}/${file}`, 'utf8') }));

const problems = validateOperations(readFileSync(root('schema.graphql'), 'utf8'), documents);
for (const problem of problems) console.error(`${problem.file}: ${problem.message}`);
if (problems.length > 0) process.exit(1);
console.log(`${documents.length} operations valid against schema.graphql`);
