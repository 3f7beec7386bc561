/** The one way the platform builds a Lambda function, so every function runs, logs and bundles alike. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { CompiledApi } from '../functions/definition/api-definition';
import { FUNCTIONS, type FunctionId } from '../functions/definition/functions';
import { platformFunctionCode } from './function-code';
import { functionLoggingOf } from './function-logging';

const FUNCTIONS_DEFINITION = 'functions/definition/functions.ts';

/**
 * The directory holding `functions/` and the lock file: FUNCTIONS entries are relative to it.
 * Found from the working directory, as CDK finds lock files, because this code runs both as ESM
 * (tsx) and as CommonJS (Jest), and neither `__dirname` nor `import.meta` works in both.
 */
export function findProjectRoot(from: string = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package-lock.json')) && existsSync(join(dir, FUNCTIONS_DEFINITION))) return dir;
    if (dirname(dir) === dir) {
      throw new Error(`No ${FUNCTIONS_DEFINITION} above ${from}; pass projectRoot to ApiKeyPlatform.`);
    }
  }
}

export const SERVICE_NAME = 'api-key-platform';

export interface PlatformFunctionProps {
  functionId: FunctionId;
  /** The team's API: every function ships it as `api-definition.json`. */
  definition: CompiledApi;
  /** See findProjectRoot: only needed where the package's prebuilt bundles are absent (this repository). */
  projectRoot?: string;
  memorySize?: number;
  timeout?: Duration;
  logRetention?: logs.RetentionDays;
  /** Applies to the function's log group; the function itself holds no data. */
  removalPolicy?: RemovalPolicy;
  /** X-Ray: ACTIVE samples and records, PASS_THROUGH records only what an upstream service sampled. */
  tracing?: lambda.Tracing;
  /**
   * Ships a source map and runs with `--enable-source-maps`, so stack traces name source lines; on by
   * default. Node then maps every stack trace it builds, which costs on the hot path of a function
   * that throws on purpose (the authorizer's `Unauthorized`), and the map adds to the cold start.
   */
  sourceMaps?: boolean;
}

export function createPlatformFunction(scope: Construct, id: string, props: PlatformFunctionProps): lambda.Function {
  const definition = FUNCTIONS[props.functionId];

  // An explicit log group instead of the implicit /aws/lambda one: it gets a retention and is
  // deleted with the stack, and the role below can be scoped to exactly this group.
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  });

  // Our own role rather than AWSLambdaBasicExecutionRole, whose log permissions cover every group.
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Runs the ${props.functionId} function`,
  });
  logGroup.grantWrite(role);
  const sourceMaps = props.sourceMaps ?? true;
  const logging = functionLoggingOf(props.functionId);

  return new lambda.Function(scope, id, {
    code: platformFunctionCode({
      functionId: props.functionId,
      definition: props.definition,
      sourceMaps,
      ...(props.projectRoot && { projectRoot: props.projectRoot }),
    }),
    handler: 'index.handler',
    description: definition.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout ?? Duration.seconds(10),
    role,
    logGroup,
    // Which functions log as JSON, and why: infra/function-logging.ts (the cost model reads it too).
    ...(logging.format === 'JSON' && {
      loggingFormat: lambda.LoggingFormat.JSON,
      ...(logging.systemLogLevel && { systemLogLevelV2: logging.systemLogLevel as lambda.SystemLogLevel }),
      ...(logging.applicationLogLevel && {
        applicationLogLevelV2: logging.applicationLogLevel as lambda.ApplicationLogLevel,
      }),
    }),
    ...(props.tracing && { tracing: props.tracing }),
    environment: {
      ...(sourceMaps && { NODE_OPTIONS: '--enable-source-maps' }),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    },
  });
}
