/**
 * Every alarm of the platform reports to the platform's alarm action: those the constructs make
 * (queues, DLQs, backlogs, errors, throttles) and any added later under the construct. An alarm
 * that already has an action of its own (say, the reminders' `alarmAction`) keeps it alone.
 */
import { type IAspect, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct } from 'constructs';

export class AlarmActionAspect implements IAspect {
  constructor(private readonly action: cloudwatch.IAlarmAction) {}

  visit(node: IConstruct): void {
    if (!(node instanceof cloudwatch.Alarm)) return;
    const alarm = node.node.defaultChild as cloudwatch.CfnAlarm;
    const actions = Stack.of(node).resolve(alarm.alarmActions) as unknown[] | undefined;
    if (!actions || actions.length === 0) node.addAlarmAction(this.action);
  }
}
