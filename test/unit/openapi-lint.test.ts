/**
 * The documents of both example definitions are valid OpenAPI 3.1 (the OpenAPI Initiative's JSON
 * Schema, through @seriousme/openapi-schema-validator) and lint clean with Redocly's recommended
 * rules: no errors (its warnings are listed in the test's output when there are any).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleetApi } from '../../examples/fleet/api';
import { leadbaseApi } from '../../examples/leadbase/api';
import { loadApi } from '../../functions/definition/active-api';
import { openApiDocument } from '../../functions/definition/openapi';

const BIN = join(process.cwd(), 'node_modules', '.bin');
// No telemetry and no update check: the lint runs offline, as CI does.
const OFFLINE = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'openapi-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeDocument(name: string, document: unknown): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(document));
  return file;
}

/** Runs a CLI that prints a JSON report and exits non-zero when it finds problems. */
function jsonReport<T>(bin: string, args: string[]): T {
  try {
    return JSON.parse(
      execFileSync(join(BIN, bin), args, { encoding: 'utf8', env: OFFLINE, stdio: ['ignore', 'pipe', 'ignore'] }),
    );
  } catch (error) {
    return JSON.parse((error as { stdout: string }).stdout);
  }
}

const validate = (file: string) => jsonReport<{ valid: boolean; errors?: unknown[] }>('validate-api', [file]);
const lint = (file: string) =>
  jsonReport<LintReport>('redocly', ['lint', '--extends', 'recommended', '--format', 'json', file]);

describe.each([
  ['Leadbase', () => loadApi(leadbaseApi.compiled)],
  ['fleet', () => loadApi(fleetApi('http://127.0.0.1:9').compiled)],
])('the OpenAPI document of the %s definition', (name, api) => {
  let file: string;
  beforeAll(() => {
    file = writeDocument(name, openApiDocument(api(), { serverUrls: ['https://a1.example.com/live'] }));
  });

  it('is valid OpenAPI 3.1', () => {
    expect(validate(file)).toEqual({ valid: true });
  });

  it("has no errors by Redocly's recommended rules", () => {
    const report = lint(file);
    const errors = report.problems.filter((problem) => problem.severity === 'error');

    expect(errors).toEqual([]);
  });
});

describe('the validity checks', () => {
  it('fail a document that breaks OpenAPI 3.1', () => {
    const broken = openApiDocument(loadApi(leadbaseApi.compiled)) as Record<string, unknown>;
    broken.info = { version: '1' };
    const file = writeDocument('broken', broken);

    expect(validate(file).valid).toBe(false);
    expect(lint(file).totals.errors).toBeGreaterThan(0);
  });
});
