/**
 * Contract checks: a response from the local gateway is compared with what the OpenAPI document
 * says the matched operation answers (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses). A route the
 * document does not describe (the gateway's own 404/403 answers, undocumented public routes) is
 * still held to the shared Error shape when it fails.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { matchRoute, type RouteDefinition } from '../../functions/definition/routes';

/** The parts of an OpenAPI 3.1 document the check reads. */
export interface OpenApiDocumentLike {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

interface ResponseLike {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, { required?: boolean; schema?: { type?: unknown } } | undefined>;
}

interface OperationLike {
  responses?: Record<string, ResponseLike | undefined>;
}

export interface ReceivedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the text when it is not JSON. */
  body: unknown;
  text: string;
}

/** `full` checks every answer; `errors-only` only 4xx/5xx ones, for tests that provoke undocumented answers on purpose. */
export type ContractMode = 'full' | 'errors-only';

export interface ContractViolation {
  operation: string;
  status: number;
  problem: string;
  errors?: ErrorObject[];
  body: string;
}

const DOCUMENT_ID = 'urn:api-key-platform:openapi';
const BODY_SHOWN = 600;

/** Builds the check for one document, the routes the gateway matches against and its stage names. */
export function contractChecker(
  document: OpenApiDocumentLike,
  routes: readonly RouteDefinition[],
  stages: readonly string[],
) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(document as object, DOCUMENT_ID);
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string[]) => {
    const ref = `${DOCUMENT_ID}#/${pointer.map(escapePointerSegment).join('/')}`;
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      compiled.set(ref, validate);
    }
    return validate;
  };
  const errorSchema = document.components?.schemas?.Error ? ['components', 'schemas', 'Error'] : undefined;

  return function check(
    method: string,
    /** The gateway's path, stage first: `/live/v1/keys/k_1`. */
    gatewayPath: string,
    response: ReceivedResponse,
    mode: ContractMode = 'full',
  ): ContractViolation | undefined {
    const failed = response.status >= 400;
    const [, stage = '', ...rest] = gatewayPath.split('/');
    const path = `/${rest.join('/')}`;
    // The gateway routes only on its stages: elsewhere every request is its 404.
    const match = stages.includes(stage) ? matchRoute(method, path, routes) : undefined;
    const route = match && match !== 'method-not-allowed' ? match.route : undefined;
    const operation = route && (document.paths?.[route.path]?.[method.toLowerCase()] as OperationLike | undefined);
    const name = route ? `${method} ${route.path}` : `${method} ${gatewayPath} (no route)`;
    const violation = (problem: string, errors?: ErrorObject[]): ContractViolation => ({
      operation: name,
      status: response.status,
      problem,
      ...(errors && { errors }),
      body: response.text.length > BODY_SHOWN ? `${response.text.slice(0, BODY_SHOWN)}…` : response.text,
    });

    if (!route || !operation) {
      if (!failed) return undefined;
      if (!errorSchema) return violation('the document has no components.schemas.Error');
      return validateJson(response, validatorAt(errorSchema), violation);
    }
    if (!failed && mode === 'errors-only') return undefined;
    const statusKey = responseKey(operation, response.status);
    if (!statusKey) return violation(`status ${response.status} is not documented for this operation`);
    const documented = followRef(document, operation.responses?.[statusKey], [
      'paths',
      route.path,
      method.toLowerCase(),
      'responses',
      statusKey,
    ]);
    const headerProblem = headerProblemOf(documented, response.headers, validatorAt);
    if (headerProblem) return violation(headerProblem);
    const content = documented.value?.content;
    const pointer = [...documented.pointer, 'content'];
    if (!content || Object.keys(content).length === 0) {
      return response.text.length === 0 ? undefined : violation('a body where the document describes none');
    }
    const mediaType = mediaTypeOf(response.headers['content-type']);
    const jsonType = Object.keys(content).find((type) => /^application\/([\w.+-]+\+)?json$/.test(type));
    if (jsonType && (mediaType === '' || /json/.test(mediaType))) {
      if (!content[jsonType]?.schema) return undefined;
      return validateJson(response, validatorAt([...pointer, jsonType, 'schema']), violation);
    }
    if (!Object.hasOwn(content, mediaType) && !Object.hasOwn(content, `${mediaType.split('/')[0]}/*`)) {
      return violation(`content-type ${mediaType || '(none)'} is not one of ${Object.keys(content).join(', ')}`);
    }
    return undefined;
  };
}

export function describeViolation(violation: ContractViolation): string {
  const errors = (violation.errors ?? [])
    .map((error) => `  - ${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`)
    .join('\n');
  return [
    `Contract violation: ${violation.operation} answered ${violation.status}: ${violation.problem}`,
    errors,
    `  body: ${violation.body}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** The documented response for a status: the exact code, then its range (`4XX`), then `default`. */
function responseKey(operation: OperationLike, status: number): string | undefined {
  const responses = operation.responses ?? {};
  return [String(status), `${String(status)[0]}XX`, 'default'].find((key) => Object.hasOwn(responses, key));
}

/**
 * A documented response header marked `required` must be there, and one that is there must match
 * its schema (a header is text: an integer or number schema is checked on the number it spells).
 */
function headerProblemOf(
  documented: { value: ResponseLike | undefined; pointer: string[] },
  received: ReceivedResponse['headers'],
  validatorAt: (pointer: string[]) => ValidateFunction,
): string | undefined {
  for (const [name, header] of Object.entries(documented.value?.headers ?? {})) {
    // OpenAPI: a Content-Type header definition is ignored; the media types say it.
    if (!header || name.toLowerCase() === 'content-type') continue;
    const value = received[name.toLowerCase()];
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (text === undefined) {
      if (header.required) return `the required header ${name} is missing`;
      continue;
    }
    if (!header.schema) continue;
    const numeric = ['integer', 'number'].includes(String(header.schema.type)) && /^-?\d+(\.\d+)?$/.test(text);
    const validate = validatorAt([...documented.pointer, 'headers', name, 'schema']);
    if (!validate(numeric ? Number(text) : text)) return `the header ${name}: ${text} does not match its schema`;
  }
  return undefined;
}

function validateJson(
  response: ReceivedResponse,
  validate: ValidateFunction,
  violation: (problem: string, errors?: ErrorObject[]) => ContractViolation,
): ContractViolation | undefined {
  if (typeof response.body === 'string' || response.body === undefined) {
    return violation('the body is not JSON');
  }
  if (validate(response.body)) return undefined;
  return violation('the body does not match the schema', validate.errors ?? []);
}

function mediaTypeOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** A response given as `{ $ref: '#/components/responses/…' }` is read where it points. */
function followRef(
  document: OpenApiDocumentLike,
  response: ResponseLike | undefined,
  pointer: string[],
): { value: ResponseLike | undefined; pointer: string[] } {
  const ref = response?.$ref;
  if (!ref?.startsWith('#/')) return { value: response, pointer };
  const target = ref
    .slice(2)
    .split('/')
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
  const value = target.reduce<unknown>(
    (node, segment) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined),
    document,
  );
  return { value: value as ResponseLike | undefined, pointer: target };
}

/** A JSON Pointer segment inside a URI fragment: `~` and `/` escaped, then percent-encoded (`{id}`). */
function escapePointerSegment(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}
