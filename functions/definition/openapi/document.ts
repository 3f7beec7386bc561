/**
 * The API's OpenAPI 3.1 document, generated from the definitions that run it: the platform's routes
 * (PLATFORM_ROUTES and the schema registry), the team's routes and events (the compiled API
 * definition) and the platform's events. Served by the api-docs function at `GET /v1/openapi.json`.
 */
import type { LoadedApi } from '../active-api';
import { CONSOLE_PAGE_TAG, DOCS_PAGE_TAG } from './docs-operations';
import { ERROR_SCHEMA, errorResponses } from './errors';
import { type JsonSchema, SchemaComponents } from './json-schema';
import { paths } from './paths';
import { securitySchemes } from './security';
import { webhooks } from './webhooks';

export interface OpenApiOptions {
  /**
   * Base URLs of the stages, the stage the document was asked on first (`https://{host}/{stage}`).
   * By default each stage relative to the document's host: `/live`, `/sandbox`.
   */
  serverUrls?: readonly string[];
}

export type OpenApiDocument = JsonSchema & {
  openapi: '3.1.0';
  paths: Record<string, Record<string, JsonSchema>>;
  webhooks: Record<string, JsonSchema>;
  components: { schemas: Record<string, JsonSchema> } & JsonSchema;
};

export function openApiDocument(api: LoadedApi, options: OpenApiOptions = {}): OpenApiDocument {
  const { compiled } = api;
  const components = new SchemaComponents();
  components.add('Error', ERROR_SCHEMA);
  const described = paths(api, components);
  const events = webhooks(api, components);
  return {
    openapi: '3.1.0',
    info: {
      title: compiled.name,
      version: compiled.version,
      description: [
        `Keys look like \`${compiled.keyPrefix}_live_…\` (the ${compiled.stages.live} stage) and \`${compiled.keyPrefix}_test_…\` (the ${compiled.stages.sandbox} stage).`,
        'Every error answers `{ "error": { "code", "message", "fields"? } }`.',
        'A 429 says how many seconds to wait in Retry-After.',
      ].join(' '),
    },
    servers: servers(api, options.serverUrls),
    tags: [...described.tags, 'Webhook events'].map((name) => ({ name, description: tagDescription(name, api) })),
    paths: described.paths,
    webhooks: events,
    components: {
      schemas: components.schemas,
      responses: errorResponses(described.errorStatuses),
      securitySchemes: securitySchemes(compiled.apiKeyHeader, compiled.keyPrefix),
    },
  };
}

function servers(api: LoadedApi, urls: readonly string[] | undefined): JsonSchema[] {
  const { stages, keyPrefix } = api.compiled;
  const described = (url: string) => {
    const stage = Object.entries(stages).find(([, name]) => url.endsWith(`/${name}`));
    const environment = stage?.[0] === 'live' ? 'live' : 'test';
    return {
      url,
      description: stage ? `The ${stage[1]} stage: ${keyPrefix}_${environment}_ keys.` : 'This stage.',
    };
  };
  return (urls ?? [`/${stages.live}`, `/${stages.sandbox}`]).map(described);
}

function tagDescription(tag: string, api: LoadedApi): string {
  if (tag === 'Webhook events') return 'What the platform POSTs to your webhook endpoints, signed (Standard Webhooks).';
  if (tag === DOCS_PAGE_TAG) return 'This interactive page and its files, for browsers (SDKs leave them out).';
  if (tag === CONSOLE_PAGE_TAG)
    return 'The web console (Settings → API) and its files, for browsers (SDKs leave them out).';
  const actions = api.compiled.resources[tag];
  return actions
    ? `The ${tag} of ${api.compiled.name}: ${actions.join(', ')}.`
    : `The platform's ${tag.toLowerCase()} routes.`;
}
