import { z } from 'zod';
import { loadApi } from '../../functions/definition/active-api';
import {
  ApiDefinitionError,
  type ApiDefinitionInput,
  defineApi,
  type RouteInput,
} from '../../functions/definition/api-definition';

const listRides: RouteInput = {
  method: 'GET',
  path: '/v1/rides',
  permission: 'rides:read',
  summary: 'List rides',
  backend: { lambda: 'rides' },
};

const startRide: RouteInput = {
  method: 'POST',
  path: '/v1/rides',
  permission: 'rides:create',
  summary: 'Start a ride',
  backend: { lambda: 'rides' },
};

const ride = z.object({ id: z.string(), km: z.number().optional() });

function aDefinition(...routes: RouteInput[]): ApiDefinitionInput {
  return {
    name: 'Rides API',
    resources: { rides: ['read', 'create'] },
    routes,
    plans: { basic: { requestsPerMinute: 60 } },
    defaultPlan: 'basic',
  };
}

function problemsOf(...routes: RouteInput[]): readonly string[] {
  try {
    defineApi(aDefinition(...routes));
  } catch (error) {
    if (error instanceof ApiDefinitionError) return error.problems;
    throw error;
  }
  return [];
}

describe('defineApi: what a route takes and answers', () => {
  it('compiles a route without request, response or errors exactly as before', () => {
    const [compiled] = defineApi(aDefinition(listRides)).compiled.routes;

    expect(compiled).toEqual({
      method: 'GET',
      path: '/v1/rides',
      resource: 'rides',
      action: 'read',
      summary: 'List rides',
      credits: 0,
      backend: { lambda: 'rides' },
      accountScoped: false,
    });
  });

  it('compiles zod requests as what they accept and responses as what they yield', () => {
    const { compiled } = defineApi(
      aDefinition(
        {
          ...listRides,
          request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(25) }) },
          response: { schema: z.object({ items: z.array(ride) }) },
          errors: [404],
        },
        {
          ...startRide,
          request: { body: z.strictObject({ vehicleId: z.string() }) },
          response: { status: 201, schema: ride, description: 'The ride, started' },
          errors: [404, 409],
        },
      ),
    );
    const [list, start] = compiled.routes;

    expect(list?.request?.query).toMatchObject({
      type: 'object',
      properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 25 } },
    });
    // As input, a default makes the parameter optional.
    expect(list?.request?.query?.required).toBeUndefined();
    expect(list?.response).toMatchObject({ status: 200, description: 'OK' });
    expect(list?.errors).toEqual([404]);
    expect(start?.request?.body).toMatchObject({
      type: 'object',
      required: ['vehicleId'],
      additionalProperties: false,
    });
    // As output, a z.object answers only the fields it names.
    expect(start?.response).toEqual({
      status: 201,
      description: 'The ride, started',
      schema: expect.objectContaining({ required: ['id'], additionalProperties: false }),
    });
    expect(start?.errors).toEqual([404, 409]);
  });

  it('keeps JSON Schemas as given and a 204 without a body', () => {
    const body = { type: 'object', properties: { vehicleId: { type: 'string' } }, required: ['vehicleId'] };
    const { compiled } = defineApi(
      aDefinition({ ...startRide, request: { body }, response: { status: 204, description: 'Started' } }),
    );

    expect(compiled.routes[0]?.request).toEqual({ body });
    expect(compiled.routes[0]?.response).toEqual({ status: 204, description: 'Started' });
  });

  it('round-trips through the compiled JSON file the functions load', () => {
    const { compiled } = defineApi(
      aDefinition({
        ...startRide,
        request: { body: z.object({ vehicleId: z.string() }) },
        response: { status: 201, schema: ride },
        errors: [409],
      }),
    );

    const loaded = loadApi(JSON.parse(JSON.stringify(compiled)));

    expect(loaded.compiled.routes[0]).toEqual(compiled.routes[0]);
  });

  it('refuses a compiled file whose route answers an error status as success', () => {
    const { compiled } = defineApi(aDefinition({ ...listRides, response: { schema: ride } }));
    const broken = JSON.parse(JSON.stringify(compiled));
    broken.routes[0].response.status = 404;

    expect(() => loadApi(broken)).toThrow(/routes\.0\.response\.status/);
  });

  it('names every mistake of a route contract', () => {
    const problems = problemsOf(
      { ...listRides, request: { body: z.object({ q: z.string() }), query: z.string() as unknown as z.ZodObject } },
      {
        ...startRide,
        response: { status: 404, schema: ride },
        errors: [200, 409, 409],
      },
    );

    expect(problems).toEqual([
      expect.stringMatching(/^routes\[0\] GET \/v1\/rides: request\.query must be an object schema/),
      expect.stringMatching(/^routes\[0\] GET \/v1\/rides: request\.body: a GET request has no body/),
      expect.stringMatching(/^routes\[1\] POST \/v1\/rides: response\.status must be a success status .* not 404/),
      expect.stringMatching(/^routes\[1\] POST \/v1\/rides: errors: 200 is not an error status/),
      expect.stringMatching(/^routes\[1\] POST \/v1\/rides: errors: a status is listed twice/),
    ]);
  });

  it('refuses a body on DELETE, a response without a schema and a 204 with one', () => {
    const problems = problemsOf(
      {
        ...listRides,
        method: 'DELETE',
        request: { body: { type: 'object' } },
        response: { status: 204, schema: ride },
      },
      { ...startRide, response: { status: 201 } },
    );

    expect(problems).toEqual([
      expect.stringContaining('request.body: a DELETE request has no body'),
      expect.stringContaining('response.schema: a 204 answer has no body'),
      expect.stringContaining('response.schema is required'),
    ]);
  });

  it('names a schema JSON Schema cannot describe, and a JSON Schema zod cannot read', () => {
    const problems = problemsOf(
      { ...listRides, response: { schema: z.object({ at: z.date() }) } },
      { ...startRide, request: { body: { type: 'bogus' } } },
    );

    expect(problems).toEqual([
      expect.stringMatching(/routes\[0\].*response\.schema cannot be described in JSON Schema \(Date cannot/),
      expect.stringMatching(/routes\[1\].*request\.body cannot be described in JSON Schema \(Unsupported type: bogus/),
    ]);
  });

  it("refuses account_id in the query of an accountScoped route: it is the platform's parameter", () => {
    const problems = problemsOf({
      ...listRides,
      accountScoped: true,
      request: { query: z.object({ account_id: z.string(), limit: z.number().optional() }) },
    });

    expect(problems).toEqual([expect.stringContaining("request.query: account_id is the platform's parameter")]);
  });
});
