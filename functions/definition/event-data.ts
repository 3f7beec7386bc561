/**
 * Validators of the team's event data, built from the JSON Schemas of the compiled definition. Only
 * the functions that publish or deliver events load this (it needs the full zod build).
 */
import { z } from 'zod';
import { type LoadedApi, perApi } from './active-api';
import type { JsonSchema } from './api-definition';

/**
 * The validator of an event's `data`, from its JSON Schema. zod's reader skips `required` names that
 * `properties` does not describe, and `properties` of a schema without `type`; so each such name
 * gets an any-value property, and the top level is an object, as event data always is.
 */
export function eventDataSchema(schema: JsonSchema): z.ZodType {
  return z.fromJSONSchema(withRequiredProperties({ type: 'object', ...schema }) as JsonSchema);
}

/** Keywords whose value is a schema, a list of schemas or a map of named schemas. */
const SUBSCHEMA_KEYWORDS = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames'] as const;
const SUBSCHEMA_LIST_KEYWORDS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const SUBSCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', '$defs', 'definitions'] as const;

function withRequiredProperties(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const node: Record<string, unknown> = { ...schema };
  for (const keyword of SUBSCHEMA_KEYWORDS) if (keyword in node) node[keyword] = withRequiredProperties(node[keyword]);
  for (const keyword of SUBSCHEMA_LIST_KEYWORDS) {
    if (Array.isArray(node[keyword])) node[keyword] = (node[keyword] as unknown[]).map(withRequiredProperties);
  }
  for (const keyword of SUBSCHEMA_MAP_KEYWORDS) {
    const map = node[keyword];
    if (typeof map === 'object' && map !== null) {
      node[keyword] = Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, withRequiredProperties(sub)]));
    }
  }
  if (Array.isArray(node.required)) {
    const properties = { ...(node.properties as Record<string, unknown> | undefined) };
    for (const name of node.required)
      if (typeof name === 'string' && !Object.hasOwn(properties, name)) properties[name] = {};
    node.properties = properties;
  }
  return node;
}

const validatorsOf = perApi(
  (api) => new Map(Object.entries(api.compiled.events).map(([type, { schema }]) => [type, eventDataSchema(schema)])),
);

/** The validator of a team event type's `data`, or undefined for a type the definition does not have. */
export function eventDataValidator(type: string, api?: LoadedApi): z.ZodType | undefined {
  return validatorsOf(api).get(type);
}
