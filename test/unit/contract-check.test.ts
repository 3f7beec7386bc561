import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_ROUTES } from '../../functions/definition/platform-routes';
import { contractChecker, describeViolation, type ReceivedResponse } from '../support/contract';
import { contractCheckedFetch } from '../support/contract-fetch';
import { call, checkContractAt } from '../support/http-client';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};
const errorResponse = {
  description: 'An error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const keySchema = {
  type: 'object',
  required: ['id', 'createdAt'],
  properties: { id: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } },
};

/** A small hand-made OpenAPI 3.1 document: three key operations, a 204, a required header and the shared Error. */
const document = {
  openapi: '3.1.0',
  info: { title: 'test', version: '1' },
  paths: {
    '/v1/keys': {
      get: {
        responses: {
          429: {
            ...errorResponse,
            headers: { 'Retry-After': { required: true, schema: { type: 'integer', minimum: 0 } } },
          },
        },
      },
    },
    '/v1/keys/{id}': {
      get: {
        responses: {
          200: { description: 'The key', content: { 'application/json': { schema: keySchema } } },
          default: errorResponse,
        },
      },
      delete: {
        responses: {
          204: { description: 'Deleted' },
          404: { $ref: '#/components/responses/NotFound' },
          '4XX': errorResponse,
        },
      },
    },
  },
  components: { schemas: { Error: errorSchema }, responses: { NotFound: errorResponse } },
};

function received(status: number, body: unknown, contentType = 'application/json'): ReceivedResponse {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers: { 'content-type': contentType }, body, text };
}

const check = contractChecker(document, PLATFORM_ROUTES, ['live', 'sandbox']);
const validKey = { id: 'k_1', createdAt: '2026-01-01T00:00:00.000Z' };
const anError = { error: { code: 'not_found', message: 'No such key.' } };

describe('contractChecker', () => {
  it('accepts a body that matches the operation schema picked by method, path template and status', () => {
    expect(check('GET', '/live/v1/keys/k_1', received(200, validKey))).toBeUndefined();
  });

  it('names the operation, the status and the failing field when the body does not match', () => {
    const violation = check('GET', '/live/v1/keys/k_1', received(200, { id: 1, createdAt: 'yesterday' }));

    expect(violation).toMatchObject({ operation: 'GET /v1/keys/{id}', status: 200 });
    expect(violation?.errors?.map((error) => error.instancePath).sort()).toEqual(['/createdAt', '/id']);
    expect(describeViolation(violation as NonNullable<typeof violation>)).toContain('body: {"id":1');
  });

  it('checks an error status against `default`, whose schema is a $ref to components', () => {
    expect(check('GET', '/live/v1/keys/k_1', received(404, anError))).toBeUndefined();
    expect(check('GET', '/live/v1/keys/k_1', received(404, { message: 'Not Found' }))?.problem).toBe(
      'the body does not match the schema',
    );
  });

  it('uses a status range (4XX) and refuses a status the operation does not document', () => {
    expect(check('DELETE', '/live/v1/keys/k_1', received(409, anError))).toBeUndefined();
    expect(check('DELETE', '/live/v1/keys/k_1', received(500, anError))?.problem).toBe(
      'status 500 is not documented for this operation',
    );
  });

  it('reads a response given as a $ref to components.responses', () => {
    expect(check('DELETE', '/live/v1/keys/k_1', received(404, anError))).toBeUndefined();
    expect(check('DELETE', '/live/v1/keys/k_1', received(404, { message: 'Not Found' }))?.problem).toBe(
      'the body does not match the schema',
    );
  });

  it('accepts an empty 204 and refuses a body where the document has none', () => {
    expect(check('DELETE', '/live/v1/keys/k_1', received(204, undefined, ''))).toBeUndefined();
    expect(check('DELETE', '/live/v1/keys/k_1', received(204, { deleted: true }))?.problem).toBe(
      'a body where the document describes none',
    );
  });

  it('refuses a non-JSON body where the document describes JSON', () => {
    expect(check('GET', '/live/v1/keys/k_1', received(200, '<html></html>', 'text/html'))?.problem).toMatch(
      /content-type text\/html is not one of application\/json/,
    );
  });

  it('holds answers of routes outside the document to the Error shape when they fail, and lets their successes by', () => {
    expect(check('GET', '/live/v1/nothing-here', received(403, anError))).toBeUndefined();
    expect(
      check('GET', '/live/v1/nothing-here', received(403, { message: 'Missing Authentication Token' })),
    ).toMatchObject({
      operation: 'GET /live/v1/nothing-here (no route)',
      problem: 'the body does not match the schema',
    });
    expect(check('GET', '/live/v1/whoami', received(200, { anything: true }))).toBeUndefined();
    expect(check('GET', '/prod/v1/keys/k_1', received(404, { nope: 1 }))?.operation).toBe(
      'GET /prod/v1/keys/k_1 (no route)',
    );
  });

  it('refuses an answer without a header the document marks required, or with one its schema refuses', () => {
    const tooMany = (retryAfter?: string) => {
      const answer = received(429, { error: { code: 'rate_limited', message: 'Slow down.' } });
      return {
        ...answer,
        headers: { ...answer.headers, ...(retryAfter !== undefined && { 'retry-after': retryAfter }) },
      };
    };

    expect(check('GET', '/live/v1/keys', tooMany('3'))).toBeUndefined();
    expect(check('GET', '/live/v1/keys', tooMany())?.problem).toBe('the required header Retry-After is missing');
    expect(check('GET', '/live/v1/keys', tooMany('1.5'))?.problem).toBe(
      'the header Retry-After: 1.5 does not match its schema',
    );
    expect(check('GET', '/live/v1/keys', tooMany('-1'))?.problem).toBe(
      'the header Retry-After: -1 does not match its schema',
    );
  });

  it('skips successes but still checks errors in errors-only mode', () => {
    expect(check('GET', '/live/v1/keys/k_1', received(200, { id: 1 }), 'errors-only')).toBeUndefined();
    expect(check('GET', '/live/v1/keys/k_1', received(400, { nope: 1 }), 'errors-only')).toBeDefined();
  });
});

describe('call against a gateway checked with checkContractAt', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    // Answers every request with a 404 whose body is not the Error shape.
    server = createServer((_, response) => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Not Found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('throws with the operation and the body when the answer breaks the document', async () => {
    checkContractAt(`${origin}/live`, () => check);

    await expect(call('GET', `${origin}/live/v1/keys/k_1`)).rejects.toThrow(
      /Contract violation: GET \/v1\/keys\/\{id\} answered 404: the body does not match the schema[\s\S]*body: \{"message":"Not Found"\}/,
    );
  });

  it('leaves answers from other origins alone', async () => {
    const other = `http://localhost:${(server.address() as AddressInfo).port}`;

    await expect(call('GET', `${other}/live/v1/keys/k_1`)).resolves.toMatchObject({ status: 404 });
  });
  it("rejects a fetch through contractCheckedFetch (the SDK tests' fetch) on the same violation, and passes others' answers on", async () => {
    checkContractAt(`${origin}/live`, () => check);
    const fetch = contractCheckedFetch();
    const other = `http://localhost:${(server.address() as AddressInfo).port}`;

    await expect(fetch(new Request(`${origin}/live/v1/keys/k_1`))).rejects.toThrow(
      /Contract violation: GET \/v1\/keys\/\{id\} answered 404: the body does not match the schema/,
    );
    const passed = await fetch(new Request(`${other}/live/v1/keys/k_1`));
    expect(passed.status).toBe(404);
    expect(await passed.json()).toEqual({ message: 'Not Found' });
  });

  describe('CONTRACT_VIOLATIONS_FILE', () => {
    const saved = { CI: process.env.CI, CONTRACT_VIOLATIONS_FILE: process.env.CONTRACT_VIOLATIONS_FILE };
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'contract-violations-'));
    });
    afterEach(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it('logs a violation to the file instead of failing the call, outside CI', async () => {
      delete process.env.CI;
      process.env.CONTRACT_VIOLATIONS_FILE = join(dir, 'violations.jsonl');
      checkContractAt(`${origin}/live`, () => check);

      await expect(call('GET', `${origin}/live/v1/keys/k_1`)).resolves.toMatchObject({ status: 404 });
      expect(JSON.parse(readFileSync(process.env.CONTRACT_VIOLATIONS_FILE, 'utf8'))).toMatchObject({
        operation: 'GET /v1/keys/{id}',
        status: 404,
      });
    });

    it('is refused at setup in CI, saying why', () => {
      process.env.CI = 'true';
      process.env.CONTRACT_VIOLATIONS_FILE = join(dir, 'violations.jsonl');

      expect(() => checkContractAt(`${origin}/live`, () => check)).toThrow(
        /CONTRACT_VIOLATIONS_FILE is set in CI[\s\S]*would be logged instead of failing their tests/,
      );
    });

    it('still fails the call in CI when it is set after setup', async () => {
      process.env.CI = 'true';
      checkContractAt(`${origin}/live`, () => check);
      process.env.CONTRACT_VIOLATIONS_FILE = join(dir, 'violations.jsonl');

      await expect(call('GET', `${origin}/live/v1/keys/k_1`)).rejects.toThrow(/Contract violation/);
    });
  });
});
