/**
 * The webhook events under OpenAPI 3.1 `webhooks`: what the platform POSTs to a registered endpoint
 * for each type, the platform's `api_key.*` events and the team's. The body is the Standard Webhooks
 * envelope (domain/webhooks/publish.ts) and the three signature headers (domain/webhooks/signing.ts).
 */
import { PLATFORM_EVENTS } from '../../domain/webhooks/catalog';
import type { LoadedApi } from '../active-api';
import { componentRef, type JsonSchema, type SchemaComponents } from './json-schema';

const EXAMPLE_TIMESTAMP = '2026-11-22T09:30:00.000Z';

const SIGNATURE_HEADERS = [
  { name: 'webhook-id', description: 'The message id: the same on every retry of a delivery, to drop duplicates.' },
  {
    name: 'webhook-timestamp',
    description: 'When it was signed, in epoch seconds; refuse one more than 5 minutes off.',
  },
  {
    name: 'webhook-signature',
    description:
      "v1,<base64 HMAC-SHA256 of '<webhook-id>.<webhook-timestamp>.<body>'> with the endpoint's secret; space-separated, one per valid secret during a rotation.",
  },
].map((header) => ({ ...header, in: 'header', required: true, schema: { type: 'string' } }));

/** The `webhooks` of the document, the team's events first, as the catalog lists them. */
export function webhooks(api: LoadedApi, components: SchemaComponents): Record<string, JsonSchema> {
  const events: { type: string; description: string; data: JsonSchema; example: Record<string, unknown> }[] = [
    ...Object.entries(api.compiled.events).map(([type, event]) => ({
      type,
      description: event.description,
      data: components.fromJsonSchema(event.schema, 'output'),
      example: event.example,
    })),
    ...Object.entries(PLATFORM_EVENTS).map(([type, event]) => ({
      type,
      description: event.description,
      data: components.fromZod(event.data, 'output'),
      example: event.example as Record<string, unknown>,
    })),
  ];
  return Object.fromEntries(
    events.map(({ type, description, data, example }) => {
      const name = `${pascalCase(type)}Event`;
      const envelope = components.add(name, {
        type: 'object',
        description,
        required: ['type', 'timestamp', 'data'],
        properties: {
          type: { type: 'string', const: type },
          timestamp: { type: 'string', format: 'date-time', description: 'When the event happened.' },
          test: {
            type: 'boolean',
            const: true,
            description:
              'Only on a test send (POST /v1/webhooks/{id}/test): `data` is the catalog’s example, not a real event.',
          },
          data,
        },
      });
      const operation = {
        summary: type,
        description: `${description}\n\nSigned as Standard Webhooks: verify the signature over the raw body before parsing it.`,
        operationId: `${name.charAt(0).toLowerCase()}${name.slice(1)}`,
        tags: ['Webhook events'],
        security: [],
        parameters: SIGNATURE_HEADERS,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: componentRef(envelope),
              example: { type, timestamp: EXAMPLE_TIMESTAMP, data: example },
            },
          },
        },
        responses: {
          '200': { description: 'Any 2xx within 15 seconds acknowledges the delivery.' },
          default: { description: 'Any other answer, or none in time, is retried with backoff.' },
        },
      };
      return [type, { post: operation }];
    }),
  );
}

function pascalCase(type: string): string {
  return type
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
