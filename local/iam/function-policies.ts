/**
 * Each function's IAM policy as CDK synthesizes it for the function's role: the source of truth
 * of local IAM enforcement. A synth takes seconds, so the result is cached under
 * node_modules/.cache, keyed by a hash of everything that shapes the template.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { FunctionId } from '../../functions/definition/functions';

/** One statement of a policy document as the template holds it, intrinsics (Ref, Fn::…) unresolved. */
export interface CfnStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

/** What a logical id is: its CloudFormation type, and what the local stack knows it by. */
export interface ResourceRef {
  type: string;
  /** The function environment variable the construct fills from `Ref` of it (TABLE_NAME, REMINDER_QUEUE_URL…). */
  variable?: string;
  /** For a usage plan: its plan of the API definition's plans. */
  usagePlan?: string;
  /** For a team's function in the metered proxy's BACKEND_FUNCTIONS: its backend name. */
  backend?: string;
}

export interface SynthesizedIam {
  stackName: string;
  functions: Record<FunctionId, { role: string; statements: CfnStatement[] }>;
  resources: Record<string, ResourceRef>;
}

/** Everything the synthesized policies depend on. */
const INPUTS = ['infra', 'functions/definition', 'cdk.json', 'package-lock.json', 'local/iam/extract-policies.ts'];

function filesUnder(root: string, path: string): string[] {
  const full = join(root, path);
  try {
    return readdirSync(full, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(root, join(entry.parentPath, entry.name)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return [path];
    throw error;
  }
}

export function inputsHash(root: string, reminderSender: string, definitionFile: string): string {
  // The definition the policies are synthesized with (its stages and paid Lambda backends).
  const hash = createHash('sha256')
    .update(reminderSender)
    .update(`\0${iamShapingDefinition(definitionFile)}`);
  for (const file of INPUTS.flatMap((path) => filesUnder(root, path)).sort()) {
    hash.update(`\0${file}\0`).update(readFileSync(join(root, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A compiled definition but the URLs of its HTTP backends, which shape no policy: an app on a free
 * port (the fleet example's service) would otherwise miss the cache at each start.
 */
function iamShapingDefinition(definitionFile: string): string {
  const compiled = JSON.parse(readFileSync(definitionFile, 'utf8')) as { routes?: { backend?: { http?: string } }[] };
  for (const route of compiled.routes ?? []) if (route.backend?.http) route.backend.http = 'http';
  return JSON.stringify(compiled);
}

/**
 * The synthesized policies, from the cache when the inputs are unchanged. Concurrent misses (Jest
 * workers) each synthesize and write the same file; the rename makes each write whole.
 */
export async function loadSynthesizedIam(
  root: string,
  reminderSender: string,
  /** The running app's compiled API definition (API_DEFINITION_FILE). */
  definitionFile: string,
): Promise<SynthesizedIam> {
  const directory = join(root, 'node_modules', '.cache', 'api-key-platform');
  const file = join(directory, `iam-policies-${inputsHash(root, reminderSender, definitionFile)}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SynthesizedIam;
  } catch {
    // A miss: synthesize below.
  }
  const extractor = join(root, 'local', 'iam', 'extract-policies.ts');
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [tsx, extractor, reminderSender, definitionFile], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stderr?: string }) => {
    throw new Error(
      "Local IAM enforcement takes each function's policy from the synthesized demo stack, and the synth failed " +
        `(${relative(root, extractor)}). Fix it, or run with LOCAL_IAM=off meanwhile.\n${error.stderr ?? String(error)}`,
    );
  });
  const synthesized = JSON.parse(stdout) as SynthesizedIam;
  mkdirSync(directory, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, stdout);
  renameSync(temporary, file);
  return synthesized;
}
