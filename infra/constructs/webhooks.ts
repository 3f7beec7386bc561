/**
 * Webhooks: the master signing secret, the two queues of the delivery pipeline with their DLQs,
 * and the alarms. The platform's own functions (POST /v1/events included) publish an event to the
 * events queue, the team's Lambda backends to the team events queue (`grantPublishEvents`); from
 * that one the fan-out delivers the definition's team types only, so a backend cannot forge the
 * platform's `api_key.*` events. `webhook-fanout` consumes both and queues one message per subscribed endpoint on the
 * deliveries queue; `webhook-delivery` signs and posts each, records the attempt, and on failure
 * hides the message again with ChangeMessageVisibility until the next attempt is due, so a
 * delivery's message lives on the queue for its whole retry schedule. A message that keeps failing
 * lands in its DLQ, whose depth raises an alarm. The functions themselves come from FUNCTIONS;
 * their queue and secret grants from their `needs` (infra/grants.ts).
 *
 * ## Network decision
 *
 * The functions that post to customers' URLs (`webhook-delivery`, and `webhook-test`, which sends
 * one test event synchronously) run outside any VPC, in Lambda's default networking: they have
 * internet egress only, no route to the deploying team's private subnets and no VPC endpoints. A
 * receiver URL therefore cannot reach private resources through the network, even if the
 * connect-time IP check were bypassed (say, by a bug). That check still runs as defense in depth:
 * functions/domain/webhooks/egress-policy.ts, applied in the DNS lookup of every connection (so to
 * the address actually connected to; redirects are not followed), blocks private, link-local,
 * loopback and metadata addresses. Lambda has no instance metadata service at 169.254.169.254, but
 * its runtime API listens on 127.0.0.1:9001; the loopback block covers it.
 *
 * Teams whose receivers allowlist source IPs need fixed egress addresses. For that, put these two
 * functions (and only these) in a dedicated VPC whose only route out is a NAT gateway or an egress
 * proxy with Elastic IPs, with no peering, transit gateway attachment or endpoints that lead to
 * private resources. This construct does not do it for you: there is no VPC property today, so
 * that setup means adding `vpc`/`vpcSubnets` to the two functions in your own fork.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUES, type QueueDefinition } from '../../functions/definition/queues';
import { ConsumerEventSource } from '../grants';
import { queueWithDeadLetterQueue } from './queue-with-dlq';

/** Parallel invocations of the delivery worker at most (the minimum SQS allows is 2). */
export const DELIVERY_MAX_CONCURRENCY = 20;

export interface WebhooksProps {
  /**
   * For the master secret (RETAIN by default: losing it changes every endpoint's signing secret)
   * and the queues (DESTROY by default, like the reminder queue: they hold work in flight only).
   */
  removalPolicy?: RemovalPolicy;
  /** Where the DLQ and backlog alarms report, e.g. an SNS topic's action; none by default. */
  alarmAction?: cloudwatch.IAlarmAction;
}

/** Half of SQS's in-flight limit for a standard queue (about 120,000). */
export const IN_FLIGHT_ALARM_THRESHOLD = 60_000;

export class Webhooks extends Construct {
  /** The master secret every endpoint's signing secret is derived from (WEBHOOK_SECRET_ID). */
  readonly secret: secretsmanager.Secret;
  /** Published events, one message per event (WEBHOOK_EVENT_QUEUE_URL). */
  readonly eventQueue: sqs.Queue;
  readonly eventDeadLetterQueue: sqs.Queue;
  /** The team's events, sent by its Lambda backends (TEAM_EVENT_QUEUE_URL): team types only. */
  readonly teamEventQueue: sqs.Queue;
  readonly teamEventDeadLetterQueue: sqs.Queue;
  readonly teamEventDeadLetterAlarm: cloudwatch.Alarm;
  /** One message per delivery, kept through its retries (WEBHOOK_DELIVERY_QUEUE_URL). */
  readonly deliveryQueue: sqs.Queue;
  readonly deliveryDeadLetterQueue: sqs.Queue;
  readonly eventDeadLetterAlarm: cloudwatch.Alarm;
  readonly deliveryDeadLetterAlarm: cloudwatch.Alarm;
  /** The oldest published event has waited too long: fan-out is failing or falling behind. */
  readonly eventBacklogAlarm: cloudwatch.Alarm;
  readonly deliveriesInFlightAlarm: cloudwatch.Alarm;
  /** Every alarm above. */
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: WebhooksProps = {}) {
    super(scope, id);

    // The runtime base64-decodes the secret and wants at least 32 bytes, as for the pepper
    // (infra/constructs/key-store.ts): 64 alphanumerics decode to 48 bytes, about 380 bits.
    this.secret = new secretsmanager.Secret(this, 'SigningSecret', {
      description:
        'Webhook master signing secret: every endpoint signing secret is derived from it. Changing it changes the signing secret of every endpoint at once.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const queues = (
      idPrefix: string,
      definition: QueueDefinition,
      alarmDescription: string,
      retentionPeriod?: Duration,
    ) =>
      queueWithDeadLetterQueue(this, {
        definition,
        idPrefix,
        alarmDescription,
        ...(retentionPeriod && { retentionPeriod }),
        ...(props.removalPolicy && { removalPolicy: props.removalPolicy }),
        ...(props.alarmAction && { alarmAction: props.alarmAction }),
      });
    const events = queues(
      'Events',
      QUEUES['webhook-events'],
      'Published webhook events failed fan-out repeatedly and are in the DLQ: no delivery was queued for them. Check the webhook-fanout logs, then redrive.',
    );
    this.eventQueue = events.queue;
    this.eventDeadLetterQueue = events.deadLetterQueue;
    this.eventDeadLetterAlarm = events.deadLetterAlarm;
    const teamEvents = queues(
      'TeamEvents',
      QUEUES['team-events'],
      "The team's published events failed fan-out repeatedly and are in the DLQ: malformed, not a team event type of the definition, or an api_key.* event the platform alone may send (refused). Check the webhook-fanout logs, fix the sender, then redrive or purge.",
    );
    this.teamEventQueue = teamEvents.queue;
    this.teamEventDeadLetterQueue = teamEvents.deadLetterQueue;
    this.teamEventDeadLetterAlarm = teamEvents.deadLetterAlarm;
    // A delivery's message lives through its whole retry schedule (about 28 hours) plus the
    // backlog before it: keep it at least 4 days, explicitly, whatever SQS's default becomes.
    const deliveries = queues(
      'Deliveries',
      QUEUES['webhook-deliveries'],
      'Webhook deliveries could not even be processed (not a receiver failure: those are recorded and retried) and are in the DLQ. Check the webhook-delivery logs, then redrive.',
      Duration.days(4),
    );
    this.deliveryQueue = deliveries.queue;
    this.deliveryDeadLetterQueue = deliveries.deadLetterQueue;
    this.deliveryDeadLetterAlarm = deliveries.deadLetterAlarm;

    // Only the events queue: delivery messages are hidden for hours between retries by design,
    // so the age of the oldest one says nothing about health.
    this.eventBacklogAlarm = new cloudwatch.Alarm(this, 'EventsBacklogAlarm', {
      alarmDescription:
        'Published webhook events wait more than 5 minutes for fan-out: webhook-fanout is failing, throttled or falling behind.',
      metric: this.eventQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 300,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) this.eventBacklogAlarm.addAlarmAction(props.alarmAction);

    // A standard queue allows about 120,000 messages in flight; past that, receives return nothing
    // and every tenant's deliveries stop. Waits under 15 minutes keep their message in flight.
    this.deliveriesInFlightAlarm = new cloudwatch.Alarm(this, 'DeliveriesInFlightAlarm', {
      alarmDescription:
        'Over 60,000 webhook delivery messages in flight (SQS stops handing out messages near 120,000): many receivers are failing at once.',
      metric: this.deliveryQueue.metricApproximateNumberOfMessagesNotVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: IN_FLIGHT_ALARM_THRESHOLD,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) this.deliveriesInFlightAlarm.addAlarmAction(props.alarmAction);
    this.alarms = [
      this.eventDeadLetterAlarm,
      this.teamEventDeadLetterAlarm,
      this.deliveryDeadLetterAlarm,
      this.eventBacklogAlarm,
      this.deliveriesInFlightAlarm,
    ];
  }

  /** Wires both events queues to the fan-out and the deliveries queue to the delivery worker. */
  connect(fanout: lambda.IFunction, delivery: lambda.IFunction): void {
    // Each with its queue's cap: a function with two sources gets no default from isolation.ts.
    for (const [queue, queueId] of [
      [this.eventQueue, 'webhook-events'],
      [this.teamEventQueue, 'team-events'],
    ] as const) {
      fanout.addEventSource(
        new ConsumerEventSource(queue, {
          batchSize: QUEUES[queueId].batchSize,
          reportBatchItemFailures: true,
          maxConcurrency: QUEUES[queueId].maxConcurrency,
        }),
      );
    }
    delivery.addEventSource(
      new ConsumerEventSource(this.deliveryQueue, {
        batchSize: QUEUES['webhook-deliveries'].batchSize,
        reportBatchItemFailures: true,
        // Bounds the parallel outbound connections (a burst of events times the endpoints would
        // otherwise scale the worker to the account's concurrency) and so protects the receivers.
        // Messages beyond it wait on the queue; they are not throttled back to it.
        maxConcurrency: DELIVERY_MAX_CONCURRENCY,
      }),
    );
  }
}
