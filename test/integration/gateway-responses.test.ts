/** API Gateway's own answers, rendered locally from the shared definitions as AWS renders them. */
import { call } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('local gateway responses', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.close());

  it('names the method and path in a 404, with the sentence after it intact', async () => {
    const response = await platform.admin.get('/v1/nothing-here');

    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe('No route matches GET /live/v1/nothing-here. See the README for the API.');
  });

  it('answers 404, not 500, to a broken percent-encoding and to a stage named like an object property', async () => {
    const broken = await platform.admin.get('/v1/keys/%E0%A4%A');
    const propertyStage = await call('GET', `${platform.gateway.url}/constructor/v1/whoami`, {
      key: platform.bootstrap.adminKey,
    });

    expect([broken.status, propertyStage.status]).toEqual([404, 404]);
  });

  it('keeps the 413 of a body over the gateway limit, answered by the default 4XX response', async () => {
    const response = await call('POST', `${platform.bootstrap.liveUrl}/v1/keys`, {
      key: platform.bootstrap.adminKey,
      rawBody: 'x'.repeat(10 * 1024 * 1024 + 1),
    });

    expect(response.status).toBe(413);
    expect(response.body.error).toEqual({ code: 'bad_request', message: 'Request body too large' });
  });
});
