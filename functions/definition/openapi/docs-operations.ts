/** The docs routes' own answers: the document itself, an HTML page and the page's assets. */
import type { RouteKey } from '../schemas/route-schemas';
import type { JsonSchema } from './json-schema';

export const OPENAPI_PATH = '/v1/openapi.json';
export const DOCS_PATH = '/docs';
export const DOCS_ASSET_PATH = '/docs/{asset}';
/** The tag of the page and its files: HTML, scripts and style sheets for browsers, which SDK generation leaves out. */
export const DOCS_PAGE_TAG = 'Docs page';
export const CONSOLE_PATH = '/console';
export const CONSOLE_ASSET_PATH = '/console/{asset}';
/** The tag of the web console's page and files, for browsers too: SDK generation leaves them out as well. */
export const CONSOLE_PAGE_TAG = 'Console page';
export const BROWSER_PAGE_TAGS: readonly string[] = [DOCS_PAGE_TAG, CONSOLE_PAGE_TAG];

export const DOCS_OPERATIONS: Partial<Record<RouteKey, { responses: Record<string, JsonSchema>; errors: number[] }>> = {
  [`GET ${OPENAPI_PATH}`]: {
    responses: {
      '200': {
        description: "This document, with this stage's URL as its server.",
        content: {
          'application/json': {
            schema: { type: 'object', description: 'An OpenAPI 3.1 document.' },
            example: { openapi: '3.1.0', info: { title: 'Leadbase API', version: '1.0.0' }, paths: {} },
          },
        },
      },
    },
    errors: [],
  },
  [`GET ${DOCS_PATH}`]: {
    responses: {
      '200': { description: 'The interactive API docs.', content: { 'text/html': { schema: { type: 'string' } } } },
    },
    errors: [],
  },
  [`GET ${DOCS_ASSET_PATH}`]: {
    responses: {
      '200': {
        description: "A script or style sheet of the docs page (swagger-ui's, served by the platform itself).",
        content: {
          'text/javascript': { schema: { type: 'string' } },
          'text/css': { schema: { type: 'string' } },
        },
      },
    },
    errors: [404],
  },
  [`GET ${CONSOLE_PATH}`]: {
    responses: {
      '200': { description: 'The web console.', content: { 'text/html': { schema: { type: 'string' } } } },
    },
    errors: [],
  },
  [`GET ${CONSOLE_ASSET_PATH}`]: {
    responses: {
      '200': {
        description:
          "One of the console's content-hashed scripts or style sheets, or for any other path (a page such as `sign-in`) the console itself.",
        content: {
          'text/html': { schema: { type: 'string' } },
          'text/javascript': { schema: { type: 'string' } },
          'text/css': { schema: { type: 'string' } },
        },
      },
    },
    errors: [404],
  },
};
