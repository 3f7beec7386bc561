/** Leadbase's request checks and its enrichment: what a client gets told, field by field. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { enrich, matchesSearch } from '../functions/enrich';
import { errorResponse, LeadbaseError } from '../functions/http';
import { idOf, pageOf, parseBody } from '../functions/request';
import { createContact, searchRequest, updateContact } from '../schemas';

const anEvent = (overrides: Partial<APIGatewayProxyEvent> = {}) =>
  ({
    body: null,
    isBase64Encoded: false,
    queryStringParameters: null,
    pathParameters: null,
    ...overrides,
  }) as APIGatewayProxyEvent;

function fieldsOf(action: () => unknown) {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(LeadbaseError);
    expect((error as LeadbaseError).status).toBe(400);
    return (error as LeadbaseError).fields;
  }
  throw new Error('expected a 400');
}

describe('parseBody', () => {
  it('returns the checked body', () => {
    expect(parseBody(anEvent({ body: '{"name":" Ada ","email":"ada@example.com"}' }), createContact)).toEqual({
      name: 'Ada',
      email: 'ada@example.com',
    });
  });

  it('names every problem of a body', () => {
    const body = JSON.stringify({ email: 'not-an-email', colour: 'blue' });

    expect(fieldsOf(() => parseBody(anEvent({ body }), createContact))).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'is required' },
        { field: 'email', message: 'must be an email address' },
        { field: 'colour', message: 'is not a field that can be set here' },
      ]),
    );
  });

  it('refuses a body that is not JSON, and an empty update', () => {
    expect(fieldsOf(() => parseBody(anEvent({ body: '{' }), createContact))).toEqual([
      { field: 'body', message: 'is not valid JSON' },
    ]);
    expect(fieldsOf(() => parseBody(anEvent({ body: '{}' }), updateContact))).toEqual([
      { field: 'body', message: 'send at least one of name, email, company, phone' },
    ]);
  });

  it('defaults a search to 25 results and refuses an empty query', () => {
    expect(parseBody(anEvent({ body: '{"query":"ada"}' }), searchRequest)).toEqual({ query: 'ada', limit: 25 });
    expect(fieldsOf(() => parseBody(anEvent({ body: '{"query":" "}' }), searchRequest))).toEqual([
      { field: 'query', message: 'must not be empty' },
    ]);
  });
});

describe('pageOf and idOf', () => {
  it('reads limit and cursor from the query', () => {
    expect(pageOf(anEvent({ queryStringParameters: { limit: '5', cursor: 'abc' } }))).toEqual({
      limit: 5,
      cursor: 'abc',
    });
    expect(pageOf(anEvent())).toEqual({ limit: 25 });
    expect(fieldsOf(() => pageOf(anEvent({ queryStringParameters: { limit: '500' } })))).toEqual([
      { field: 'limit', message: 'must be a whole number from 1 to 100' },
    ]);
  });

  it('accepts only ids of the kind the route serves', () => {
    const id = 'ct_0123456789abcdef0123';
    expect(idOf(anEvent({ pathParameters: { id } }), 'ct')).toBe(id);
    expect(fieldsOf(() => idOf(anEvent({ pathParameters: { id } }), 'tb'))).toEqual([
      { field: 'id', message: 'must look like tb_ followed by 20 hex digits' },
    ]);
  });
});

describe('errorResponse', () => {
  it("answers Leadbase's errors in the platform's error body", () => {
    const response = errorResponse(new LeadbaseError(404, 'not_found', 'No contact ct_1 in this sub-account.'));

    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'not_found', message: 'No contact ct_1 in this sub-account.' },
    });
  });

  it('tells nothing of an unexpected error', () => {
    jest.spyOn(console, 'error').mockImplementation(() => {});

    const response = errorResponse(new Error('connection to 10.0.0.7 refused'));

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('10.0.0.7');
  });
});

describe('enrich', () => {
  const now = new Date('2026-11-22T09:30:00.000Z');

  it('guesses the company of a business domain', () => {
    expect(enrich({ email: 'grace@navy.example' }, now)).toEqual({
      ok: true,
      enrichment: { domain: 'navy.example', freeMail: false, companyGuess: 'Navy', enrichedAt: now.toISOString() },
    });
  });

  it('keeps the known company for free mail, and fails without an email', () => {
    expect(enrich({ email: 'ada@gmail.com', company: 'Engines' }, now)).toMatchObject({
      ok: true,
      enrichment: { freeMail: true, companyGuess: 'Engines' },
    });
    expect(enrich({}, now)).toMatchObject({ ok: false, reason: expect.stringContaining('no email') });
  });

  it('matches a search in name, email or company, any case', () => {
    expect(matchesSearch({ name: 'Grace Hopper' }, 'HOPPER')).toBe(true);
    expect(matchesSearch({ name: 'Ada', company: 'Analytical Engines' }, 'engines')).toBe(true);
    expect(matchesSearch({ name: 'Ada', email: 'ada@example.com' }, 'grace')).toBe(false);
  });
});
