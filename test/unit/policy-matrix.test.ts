import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderPolicyMatrix } from '../../src/policy/matrix.js';

const DOC = fileURLToPath(new URL('../../docs/policy-matrix.md', import.meta.url));

describe('docs/policy-matrix.md', () => {
  it('is what the engine decides (regenerate: npm run -s policy:matrix > docs/policy-matrix.md)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderPolicyMatrix());
  });

  it('is deterministic', () => {
    expect(renderPolicyMatrix()).toBe(renderPolicyMatrix());
  });
});
