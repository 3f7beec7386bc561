/** UsagePlanRegistry on API Gateway's control plane: one gateway API key per organization. */
import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand,
  NotFoundException,
} from '@aws-sdk/client-api-gateway';
import { activeApi } from '../definition/active-api';
import { type PlanName, planOf, usagePlanThrottle } from '../definition/plans';
import type { GatewayApiKey, PlanChoice, UsagePlanRegistry } from '../domain/usage-plans';

export interface UsagePlanConfig {
  restApiId: string;
  /** The usage plan of each plan of the definition, created by the CDK stack (or the local gateway). */
  usagePlanIds: Readonly<Record<PlanName, string>>;
}

export class ApiGatewayUsagePlans implements UsagePlanRegistry {
  constructor(
    private readonly client: APIGatewayClient,
    private readonly config: UsagePlanConfig,
  ) {}

  async createOrganizationKey(organizationId: string, choice: PlanChoice): Promise<GatewayApiKey> {
    const key = await this.client.send(
      new CreateApiKeyCommand({
        name: `org-${organizationId}`,
        enabled: true,
        description: 'Usage plan key of an organization',
      }),
    );
    if (!key.id || !key.value) throw new Error('API Gateway returned an API key without id or value');
    try {
      const usagePlanId = await this.usagePlanFor(organizationId, choice);
      await this.client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }));
      return { id: key.id, value: key.value, usagePlanId };
    } catch (error) {
      await this.deleteKey(key.id);
      throw error;
    }
  }

  /**
   * A key may sit in one usage plan per stage, so it leaves the old plan before it joins the new
   * one: for that moment (well under a second) its calls get 403 from API Gateway.
   */
  async changePlan(organizationId: string, apiKeyId: string, fromUsagePlanId: string, to: PlanChoice) {
    const target = await this.usagePlanFor(organizationId, to);
    if (target === fromUsagePlanId) return target;
    await ignoreNotFound(
      this.client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: fromUsagePlanId, keyId: apiKeyId })),
    );
    await this.client.send(new CreateUsagePlanKeyCommand({ usagePlanId: target, keyId: apiKeyId, keyType: 'API_KEY' }));
    if (!Object.values(this.config.usagePlanIds).includes(fromUsagePlanId)) {
      await ignoreNotFound(this.client.send(new DeleteUsagePlanCommand({ usagePlanId: fromUsagePlanId })));
    }
    return target;
  }

  async deleteKey(apiKeyId: string): Promise<void> {
    await ignoreNotFound(this.client.send(new DeleteApiKeyCommand({ apiKey: apiKeyId })));
  }

  /**
   * A custom figure gets a usage plan of its own, with the plan's quota; usage plans are 300 a
   * region by default, raisable.
   */
  private async usagePlanFor(organizationId: string, choice: PlanChoice): Promise<string> {
    if (choice.customRequestsPerMinute === undefined) {
      const id = this.config.usagePlanIds[choice.plan];
      if (!id) throw new Error(`No usage plan id for plan '${choice.plan}' in USAGE_PLAN_IDS`);
      return id;
    }
    const { quota } = planOf(choice.plan);
    const { stages } = activeApi().compiled;
    const plan = await this.client.send(
      new CreateUsagePlanCommand({
        name: `org-${organizationId}-${choice.customRequestsPerMinute}rpm`,
        throttle: usagePlanThrottle(choice.customRequestsPerMinute),
        ...(quota && { quota: { limit: quota.limit, period: quota.period } }),
        apiStages: [stages.live, stages.sandbox].map((stage) => ({ apiId: this.config.restApiId, stage })),
      }),
    );
    if (!plan.id) throw new Error('API Gateway returned a usage plan without id');
    return plan.id;
  }
}

async function ignoreNotFound(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
  }
}
