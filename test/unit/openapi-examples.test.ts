/**
 * Examples in the OpenAPI document: every request body and every 2xx JSON answer of the Leadbase
 * and fleet documents reaches one, on its media type, on its schema, or on the component its
 * schema names, so the docs page and generated clients show a real payload for each.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fleetApi } from '../../examples/fleet/api';
import { leadbaseApi } from '../../examples/leadbase/api';
import { type LoadedApi, loadApi } from '../../functions/definition/active-api';
import { type OpenApiDocument, openApiDocument } from '../../functions/definition/openapi/document';
import type { JsonSchema } from '../../functions/definition/openapi/json-schema';

const DEFINITIONS: [string, LoadedApi][] = [
  ['Leadbase', loadApi(leadbaseApi.compiled)],
  ['fleet', loadApi(fleetApi('http://127.0.0.1:9').compiled)],
];

type MediaType = { schema?: JsonSchema; example?: unknown; examples?: unknown };

/** Whether a media type shows an example: its own, its schema's, or its schema's component's. */
function reachesExample(document: OpenApiDocument, media: MediaType): boolean {
  if (media.example !== undefined || media.examples !== undefined) return true;
  let schema = media.schema;
  for (const seen = new Set<string>(); schema !== undefined; ) {
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return true;
    const ref = schema.$ref;
    if (typeof ref !== 'string' || seen.has(ref)) return false;
    seen.add(ref);
    schema = document.components.schemas[ref.replace('#/components/schemas/', '')];
  }
  return false;
}

/** `METHOD path part` of each request body and 2xx JSON answer that shows no example. */
function withoutExample(document: OpenApiDocument): string[] {
  const missing: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const name = `${method.toUpperCase()} ${path}`;
      const body = (operation.requestBody as { content?: Record<string, MediaType> } | undefined)?.content;
      const json = body?.['application/json'];
      if (json && !reachesExample(document, json)) missing.push(`${name} request body`);
      const responses = operation.responses as Record<string, { content?: Record<string, MediaType> }>;
      for (const [status, response] of Object.entries(responses)) {
        const answer = response.content?.['application/json'];
        if (/^2/.test(status) && answer && !reachesExample(document, answer)) missing.push(`${name} ${status}`);
      }
    }
  }
  return missing;
}

/** Every example in the document, with the JSON pointer of the schema it must fit. */
function examplesIn(node: unknown, pointer = ''): { schemaAt: string; example: unknown }[] {
  if (typeof node !== 'object' || node === null) return [];
  const found: { schemaAt: string; example: unknown }[] = [];
  const record = node as Record<string, unknown>;
  const isSchema = pointer.startsWith('/components/schemas/') || pointer.includes('/schema');
  if (isSchema && Array.isArray(record.examples)) {
    for (const example of record.examples) found.push({ schemaAt: pointer, example });
  }
  if (!isSchema && record.example !== undefined && typeof record.schema === 'object') {
    found.push({ schemaAt: `${pointer}/schema`, example: record.example });
  }
  for (const [key, value] of Object.entries(record)) {
    if (key === 'example' || key === 'examples') continue;
    found.push(...examplesIn(value, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`));
  }
  return found;
}

/** What an example breaks of the schema it sits on, resolved within the document (ajv, draft 2020-12). */
function problemsOfExamples(document: OpenApiDocument) {
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
  ajv.addSchema(document, 'https://example.test/openapi.json');
  return examplesIn(document).flatMap(({ schemaAt, example }) => {
    const fragment = schemaAt.split('/').map(encodeURIComponent).join('/');
    const validate = ajv.compile({ $ref: `https://example.test/openapi.json#${fragment}` });
    return validate(example) ? [] : [{ schemaAt, errors: validate.errors }];
  });
}

describe.each(DEFINITIONS)('the examples of the %s document', (_name, api) => {
  const document = openApiDocument(api);

  it('reach every request body and every 2xx JSON answer', () => {
    expect(withoutExample(document)).toEqual([]);
  });

  it('fit the schemas they illustrate', () => {
    expect(examplesIn(document).length).toBeGreaterThan(50);
    expect(problemsOfExamples(document)).toEqual([]);
  });

  it('are found by the check when they are there, and missed when they are not', () => {
    const component = { type: 'object', examples: [{ id: 'c_1' }] };
    const withComponent = { ...document, components: { ...document.components, schemas: { Shown: component } } };

    expect(reachesExample(withComponent, { schema: { $ref: '#/components/schemas/Shown' } })).toBe(true);
    expect(reachesExample(document, { schema: { type: 'object' }, example: {} })).toBe(true);
    expect(reachesExample(document, { schema: { type: 'object' } })).toBe(false);
  });
});
