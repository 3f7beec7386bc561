/**
 * Schemas as the OpenAPI document holds them: zod schemas and the compiled definition's JSON Schemas
 * become draft 2020-12 JSON Schema (OpenAPI 3.1's dialect), and every named sub-schema (a zod
 * schema with `.meta({ id })`, a `$defs` entry) moves to `components.schemas`, so a schema shared
 * by several routes is written once and a `#/$defs/…` reference still resolves inside the document.
 */
import { z } from 'zod';

export type { JsonSchema } from '../api-definition';

import type { JsonSchema } from '../api-definition';

/** What a schema describes: what a route accepts (`input`) or what it answers (`output`). */
export type SchemaIo = 'input' | 'output';

const COMPONENT_PREFIX = '#/components/schemas/';

export function componentRef(name: string): { $ref: string } {
  return { $ref: `${COMPONENT_PREFIX}${name}` };
}

export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /**
   * Adds a named schema and returns its component name. A different schema under that name (a
   * zod schema's input and output forms differ) gets an `Input`/`Output` suffix.
   */
  add(name: string, schema: JsonSchema, io: SchemaIo = 'output'): string {
    const component = this.placeOf(name, schema, io);
    this.schemas[component] ??= schema;
    return component;
  }

  /** The component a schema would be added under: the first name free or holding the same schema. */
  private placeOf(name: string, schema: JsonSchema, io: SchemaIo): string {
    const written = JSON.stringify(schema);
    const suffixed = `${name}${io === 'input' ? 'Input' : 'Output'}`;
    for (let i = 0; ; i++) {
      const candidate = i === 0 ? name : i === 1 ? suffixed : `${suffixed}${i}`;
      const existing = this.schemas[candidate];
      if (existing === undefined || JSON.stringify(existing) === written) return candidate;
    }
  }

  /** A zod schema as JSON Schema, its named parts hoisted. */
  fromZod(schema: z.ZodType, io: SchemaIo): JsonSchema {
    // 'any' instead of throwing on a transform or a date: the document describes what it can.
    const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
    return this.fromJsonSchema(converted as JsonSchema, io);
  }

  /** A JSON Schema (a compiled definition's) with its `$defs` hoisted and `$schema` dropped. */
  fromJsonSchema(schema: JsonSchema, io: SchemaIo): JsonSchema {
    const { $schema: _dialect, $defs, ...rest } = schema;
    const definitions = ($defs ?? {}) as Record<string, JsonSchema>;
    const names = Object.keys(definitions);
    if (names.length === 0) return rest;
    const placed = this.placementOf(definitions, io);
    for (const [name, component] of placed)
      this.schemas[component] ??= refsToComponents(definitions[name] ?? {}, placed);
    return refsToComponents(rest, placed);
  }

  /**
   * Where each definition goes. Whether a definition equals a component depends on where the ones
   * it refers to go (a renamed one changes its references), so placing repeats until nothing moves;
   * nothing is written before that, so no component already in the document is ever changed.
   */
  private placementOf(definitions: Record<string, JsonSchema>, io: SchemaIo): Map<string, string> {
    const names = Object.keys(definitions);
    let placed = new Map(names.map((name) => [name, name]));
    for (let round = 0; round <= names.length; round++) {
      const next = new Map(
        names.map((name) => [name, this.placeOf(name, refsToComponents(definitions[name] ?? {}, placed), io)]),
      );
      const targets = new Set(next.values());
      if (targets.size === names.length && names.every((name) => next.get(name) === placed.get(name))) return next;
      placed = next;
    }
    // Definitions that refer to each other and never settle: fresh components for all of them.
    const fresh = new Map<string, string>();
    for (const name of names) {
      let component = name;
      for (let i = 2; this.schemas[component] !== undefined || [...fresh.values()].includes(component); i++)
        component = `${name}${io === 'input' ? 'Input' : 'Output'}${i}`;
      fresh.set(name, component);
    }
    return fresh;
  }
}

/** Rewrites `#/$defs/<name>` references to the components the names were placed under. */
function refsToComponents<T>(node: T, placed: ReadonlyMap<string, string>): T {
  if (Array.isArray(node)) return node.map((item) => refsToComponents(item, placed)) as T;
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      const local = key === '$ref' && typeof value === 'string' ? /^#\/\$defs\/(.+)$/.exec(value)?.[1] : undefined;
      const component = local === undefined ? undefined : placed.get(decodeURIComponent(local));
      return [key, component === undefined ? refsToComponents(value, placed) : `${COMPONENT_PREFIX}${component}`];
    }),
  ) as T;
}
