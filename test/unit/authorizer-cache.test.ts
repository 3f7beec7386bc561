import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { AuthorizerResultCache } from '../../local/gateway/authorizer-cache';
import { aManualClock } from '../support/unit-factories';

function aResult(principalId: string): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [] },
    context: { keyId: principalId },
  };
}

describe('AuthorizerResultCache', () => {
  it('returns a stored result within the TTL and forgets it at the TTL', () => {
    const time = aManualClock();
    const cache = new AuthorizerResultCache(300_000, time.now);
    const result = aResult('key_a');

    cache.set('live', ['sk_live_a', '203.0.113.7'], result);
    time.advance(299_999);
    expect(cache.get('live', ['sk_live_a', '203.0.113.7'])).toBe(result);
    time.advance(1);
    expect(cache.get('live', ['sk_live_a', '203.0.113.7'])).toBeUndefined();
  });

  it('keys on every identity value and the stage', () => {
    const cache = new AuthorizerResultCache(300_000, aManualClock().now);
    cache.set('live', ['sk_live_a', '203.0.113.7'], aResult('key_a'));

    expect(cache.get('live', ['sk_live_a', '203.0.113.8'])).toBeUndefined();
    expect(cache.get('live', ['sk_live_b', '203.0.113.7'])).toBeUndefined();
    expect(cache.get('sandbox', ['sk_live_a', '203.0.113.7'])).toBeUndefined();
    expect(cache.get('live', ['sk_live_a'])).toBeUndefined();
  });

  it('flushes only the given stage', () => {
    const cache = new AuthorizerResultCache(300_000, aManualClock().now);
    cache.set('live', ['k'], aResult('live'));
    cache.set('live2', ['k'], aResult('live2'));
    cache.set('sandbox', ['k'], aResult('sandbox'));

    cache.flush('live');

    expect(cache.get('live', ['k'])).toBeUndefined();
    expect(cache.get('live2', ['k'])?.principalId).toBe('live2');
    expect(cache.get('sandbox', ['k'])?.principalId).toBe('sandbox');
  });

  it('never stores with a TTL of 0', () => {
    const cache = new AuthorizerResultCache(0, aManualClock().now);

    cache.set('live', ['k'], aResult('key_a'));

    expect(cache.get('live', ['k'])).toBeUndefined();
  });

  it('replaces an entry and restarts its TTL on set', () => {
    const time = aManualClock();
    const cache = new AuthorizerResultCache(1_000, time.now);
    cache.set('live', ['k'], aResult('first'));
    time.advance(900);

    cache.set('live', ['k'], aResult('second'));
    time.advance(900);

    expect(cache.get('live', ['k'])?.principalId).toBe('second');
  });
});
