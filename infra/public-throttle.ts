/**
 * A stage-wide throttle on the public routes that run a function without any credential: the
 * console link exchange (`POST /v1/console-sessions/exchange`). Usage plans do not reach them (no
 * key, no usage identifier), so without this every request on the internet would run a Lambda and
 * a DynamoDB write at the caller's pace. The limit is the stage's, shared by all clients: people
 * sign in at a human pace, and a flood gets 429 from API Gateway before any function runs.
 */
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';

export interface MethodThrottle {
  method: string;
  path: string;
  /** Requests per second, steady state. */
  rateLimit: number;
  burstLimit: number;
}

export const PUBLIC_ROUTE_THROTTLES: readonly MethodThrottle[] = [
  { method: 'POST', path: '/v1/console-sessions/exchange', rateLimit: 20, burstLimit: 40 },
];

/** A stage's MethodSettings path: `/` becomes `~1` (as CDK's methodOptions write it). */
const settingsPathOf = (path: string) => `/~1${path.slice(1).replaceAll('/', '~1')}`;

const isFor = (setting: apigateway.CfnStage.MethodSettingProperty, throttle: MethodThrottle) =>
  setting.httpMethod === throttle.method && setting.resourcePath === settingsPathOf(throttle.path);

/**
 * Adds the throttles to the stage's method settings, leaving any throttle the team set for the same
 * method, and turns data tracing off on these methods in every case.
 */
export function throttlePublicRoutes(stage: apigateway.Stage): void {
  const resource = stage.node.defaultChild as apigateway.CfnStage;
  const settings = (resource.methodSettings ?? []) as apigateway.CfnStage.MethodSettingProperty[];
  if (!Array.isArray(settings)) {
    throw new Error(
      `${stage.node.path}: its method settings are a token, so the public routes' throttle cannot be added.`,
    );
  }
  const isPublic = (setting: apigateway.CfnStage.MethodSettingProperty) =>
    PUBLIC_ROUTE_THROTTLES.some((throttle) => isFor(setting, throttle));
  const stageWide = settings.find((setting) => setting.httpMethod === '*' && setting.resourcePath === '/*');
  const added = PUBLIC_ROUTE_THROTTLES.filter((throttle) => !settings.some((setting) => isFor(setting, throttle))).map(
    (throttle) => ({
      // A method's settings replace the stage-wide ones, so its logging and metrics copy them (off when unset).
      loggingLevel: stageWide?.loggingLevel,
      metricsEnabled: stageWide?.metricsEnabled ?? false,
      httpMethod: throttle.method,
      resourcePath: settingsPathOf(throttle.path),
      throttlingRateLimit: throttle.rateLimit,
      throttlingBurstLimit: throttle.burstLimit,
    }),
  );
  // Never data tracing, whatever the stage or the team set: it logs whole requests and answers, and
  // the exchange's request holds the one-time link, its answer a session token.
  resource.methodSettings = [...settings, ...added].map((setting) =>
    isPublic(setting) ? { ...setting, dataTraceEnabled: false } : setting,
  );
}
