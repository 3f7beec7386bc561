/**
 * What every stage of an API behind the platform needs: its access log, in the platform's format,
 * delivered to the platform's Firehose stream (usage statistics and the call log are read from it).
 *
 * A stage is made before the platform (the platform takes the API, the API takes its first stage),
 * so the stage's destination is a placeholder that `addUsagePlans` points at the platform's stream.
 */
import { Lazy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { IConstruct } from 'constructs';
import { ACCESS_LOG_FORMAT } from '../functions/definition/access-log';

/** The destination each stage was bound to, found again by `addUsagePlans`. */
const destinations = new WeakMap<object, PlatformAccessLogDestination>();

/**
 * The platform's access-log stream, known once the platform takes the stage (`connect`). A stage
 * left unconnected fails synth with a message saying what to do, rather than logging nowhere.
 */
export class PlatformAccessLogDestination implements apigateway.IAccessLogDestination {
  private streamArn?: string;
  private stagePath = 'a stage';

  bind(stage: apigateway.IStageRef): apigateway.AccessLogDestinationConfig {
    if (destinations.has(stage)) throw new Error('A PlatformAccessLogDestination serves one stage only.');
    destinations.set(stage, this);
    this.stagePath = (stage as Partial<IConstruct>).node?.path ?? this.stagePath;
    return {
      destinationArn: Lazy.string({
        produce: () => {
          if (this.streamArn) return this.streamArn;
          throw new Error(
            `${this.stagePath} logs to the API key platform's access-log stream, but no platform took the stage: pass it to platform.addUsagePlans(api, stages).`,
          );
        },
      }),
    };
  }

  /** Points the stage at the platform's stream; once. */
  connect(streamArn: string): void {
    if (this.streamArn && this.streamArn !== streamArn) {
      throw new Error(`${this.stagePath} is already connected to another API key platform's access-log stream.`);
    }
    this.streamArn = streamArn;
  }
}

/** The platform destination a stage was made with (`platformStageOptions`), if it was. */
export function platformAccessLogDestinationOf(stage: object): PlatformAccessLogDestination | undefined {
  return destinations.get(stage);
}

/**
 * Stage options for one stage of the team's API: access logs in ACCESS_LOG_FORMAT to the
 * platform's Firehose stream (connected when the stage is passed to `addUsagePlans`) and no
 * request data in execution logs, since requests carry API keys. `overrides` add or replace options
 * (logging level, tracing, metrics).
 */
export function platformStageOptions(
  stageName: string,
  overrides: Partial<apigateway.StageOptions> = {},
): apigateway.StageOptions {
  return {
    stageName,
    accessLogDestination: new PlatformAccessLogDestination(),
    accessLogFormat: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
    dataTraceEnabled: false,
    ...overrides,
  };
}
