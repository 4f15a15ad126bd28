// `npm run -s policy:matrix > docs/policy-matrix.md` regenerates the committed matrix.
import { renderPolicyMatrix } from '../policy/matrix.js';

process.stdout.write(renderPolicyMatrix());
