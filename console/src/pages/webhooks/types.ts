import type { components } from '../../../../sdk/src/schema';

export type Endpoint = components['schemas']['WebhookEndpoint'];
export type EndpointWithSecret = components['schemas']['WebhookEndpointWithSecret'];
export type Delivery = components['schemas']['WebhookDelivery'];
export type TestOutcome = components['schemas']['WebhookTestOutcome'];
export type CatalogEntry = components['schemas']['EventCatalog']['items'][number];
