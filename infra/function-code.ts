/**
 * The code of a platform function: its bundle plus the team's compiled API definition as
 * `api-definition.json`, which the function reads at cold start (`$LAMBDA_TASK_ROOT`, see
 * functions/definition/active-api.ts). The installed package carries prebuilt bundles next to its
 * own code (`dist/functions/<id>/`); in this repository they are built with esbuild on the fly.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssetHashType, type BundlingOptions, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { API_DEFINITION_FILE_NAME } from '../functions/definition/active-api';
import type { CompiledApi } from '../functions/definition/api-definition';
import { type FunctionId, functionAssets } from '../functions/definition/functions';
import { bundleFunction } from './function-bundler';

/** Set by build-package.ts: the directory of the prebuilt bundles, relative to the package's code. */
declare const API_KEY_PLATFORM_PREBUILT_FUNCTIONS: string | undefined;

/** Whether this is the installed package, which carries every function's bundle. */
export function hasPrebuiltBundles(): boolean {
  return typeof API_KEY_PLATFORM_PREBUILT_FUNCTIONS !== 'undefined';
}

function prebuiltBundleDir(functionId: FunctionId): string | undefined {
  if (typeof API_KEY_PLATFORM_PREBUILT_FUNCTIONS === 'undefined') return undefined;
  const dir = join(__dirname, API_KEY_PLATFORM_PREBUILT_FUNCTIONS, functionId);
  if (!existsSync(join(dir, 'index.js'))) {
    throw new Error(`The package has no bundle for ${functionId} at ${dir}; reinstall api-key-platform.`);
  }
  return dir;
}

/**
 * Copies the bundle and writes the definition; an object with fields rather than a closure, because
 * CDK keys its per-process asset cache on the bundling options as JSON: the fields keep two
 * functions (or two definitions) from sharing a staged asset.
 */
class DefinitionBundling implements ILocalBundling {
  constructor(
    readonly functionId: FunctionId,
    readonly definitionJson: string,
    readonly sourceMaps: boolean,
    projectRoot: string | undefined,
  ) {
    this.#projectRoot = projectRoot;
  }

  // Left out of the JSON (a machine's path would change the asset hash of skipped bundling).
  readonly #projectRoot: string | undefined;

  tryBundle(outputDir: string): boolean {
    const bundleDir = prebuiltBundleDir(this.functionId) ?? bundleFunction(this.functionId, this.rootOrThrow());
    copyFileSync(join(bundleDir, 'index.js'), join(outputDir, 'index.js'));
    if (this.sourceMaps) copyFileSync(join(bundleDir, 'index.js.map'), join(outputDir, 'index.js.map'));
    for (const { file } of functionAssets(this.functionId)) copyFileSync(join(bundleDir, file), join(outputDir, file));
    copyConsoleBuild(bundleDir, outputDir);
    writeFileSync(join(outputDir, API_DEFINITION_FILE_NAME), this.definitionJson);
    return true;
  }

  private rootOrThrow(): string {
    if (!this.#projectRoot) throw new Error('No prebuilt function bundles and no projectRoot to build them from.');
    return this.#projectRoot;
  }
}

/**
 * The console function's built console (`console/`: manifest.json and the two files it names, not
 * an older build's files that may linger in a shared bundle folder); nothing for other functions.
 */
function copyConsoleBuild(bundleDir: string, outputDir: string): void {
  const manifestPath = join(bundleDir, 'console', 'manifest.json');
  if (!existsSync(manifestPath)) return;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { js: string; css: string };
  mkdirSync(join(outputDir, 'console'), { recursive: true });
  for (const file of ['manifest.json', manifest.js, manifest.css]) {
    copyFileSync(join(bundleDir, 'console', file), join(outputDir, 'console', file));
  }
}

export interface FunctionCodeOptions {
  functionId: FunctionId;
  definition: CompiledApi;
  /** Ships `index.js.map` (the function runs with `--enable-source-maps`). */
  sourceMaps: boolean;
  /** The repository holding `functions/`: only used when the package has no prebuilt bundles. */
  projectRoot?: string;
}

/**
 * Local bundling only (synth never needs Docker). The asset hash is the output's: it changes with
 * the bundle and with the definition, and with nothing else.
 */
export function platformFunctionCode(options: FunctionCodeOptions): lambda.Code {
  const prebuilt = prebuiltBundleDir(options.functionId);
  const sourcePath = prebuilt ?? join(options.projectRoot ?? '.', 'functions');
  const bundling: BundlingOptions = {
    image: DockerImage.fromRegistry('local-bundling-only'),
    local: new DefinitionBundling(
      options.functionId,
      JSON.stringify(options.definition),
      options.sourceMaps,
      options.projectRoot,
    ),
  };
  return lambda.Code.fromAsset(sourcePath, { assetHashType: AssetHashType.OUTPUT, bundling });
}
