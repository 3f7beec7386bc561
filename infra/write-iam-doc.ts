/** Rewrites docs/iam.md from the function definitions: `npx tsx infra/write-iam-doc.ts`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from './function-defaults';
import { renderIamDoc } from './iam-doc';

const docs = join(findProjectRoot(), 'docs');
mkdirSync(docs, { recursive: true });
writeFileSync(join(docs, 'iam.md'), renderIamDoc());
