/**
 * Holds a backend's real answers to what its routes declare in the API definition (`response`):
 * the success status, and the body against the compiled JSON Schema (ajv, draft 2020-12, as the
 * OpenAPI document uses). The examples' tests use it so their declared schemas cannot drift from
 * what their handlers return.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { CompiledApi } from '../../functions/definition/api-definition';

export interface Answer {
  status: number;
  body: unknown;
  text: string;
}

export function declaredResponses(compiled: CompiledApi) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const validators = new Map<string, ValidateFunction>();
  const checked = new Set<string>();
  const routeOf = (key: string) => {
    const route = compiled.routes.find((candidate) => `${candidate.method} ${candidate.path}` === key);
    if (!route?.response) throw new Error(`${key} is not a route of ${compiled.name} that declares its response`);
    return route.response;
  };

  return {
    /** What is wrong with `answer` as route `key`'s (`METHOD /path/{param}`) success, or undefined. */
    mismatch(key: string, answer: Answer): string | undefined {
      const declared = routeOf(key);
      checked.add(key);
      if (answer.status !== declared.status) {
        return `${key} answered ${answer.status}, not the declared ${declared.status}: ${answer.text.slice(0, 300)}`;
      }
      if (!declared.schema) return answer.text === '' ? undefined : `${key} declares no body but answered one`;
      let validate = validators.get(key);
      if (!validate) {
        validate = ajv.compile(declared.schema);
        validators.set(key, validate);
      }
      if (validate(answer.body)) return undefined;
      const errors = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
      return `${key}'s body does not match its response schema (${errors.join('; ')}): ${answer.text.slice(0, 300)}`;
    },
    /** The routes that declare a response and that no answer was checked against. */
    unchecked(): string[] {
      return compiled.routes
        .filter((route) => route.response && !checked.has(`${route.method} ${route.path}`))
        .map((route) => `${route.method} ${route.path}`);
    },
  };
}
