import fc from 'fast-check';
import { API_KEY_HEADER_MODES } from '../../functions/definition/api';
import { presentedKey } from '../../functions/domain/keys/presented-key';

const A = 'sk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAaaaaaa';
const B = 'sk_live_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBbbbbbb';

describe('presentedKey', () => {
  describe('in x-api-key mode', () => {
    it.each(['x-api-key', 'X-API-Key', 'X-API-KEY'])('reads the header %s, trimmed', (name) => {
      expect(presentedKey({ headers: { [name]: `  ${A} \t` } }, 'x-api-key')).toEqual({ token: A });
    });

    it('ignores a Bearer key: the mode takes x-api-key only', () => {
      expect(presentedKey({ headers: { authorization: `Bearer ${A}` } }, 'x-api-key')).toEqual({ problem: 'missing' });
    });

    it('accepts the same key in x-api-key and as Bearer', () => {
      const headers = { 'x-api-key': A, Authorization: `Bearer ${A}` };
      expect(presentedKey({ headers }, 'x-api-key')).toEqual({ token: A });
    });

    it('ignores an Authorization value that is not a key, such as a JWT for the backend', () => {
      const headers = { 'x-api-key': A, Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' };
      expect(presentedKey({ headers }, 'x-api-key')).toEqual({ token: A });
    });
  });

  describe('refuses more than one key value', () => {
    it('in two x-api-key headers, whatever the gateway put in headers', () => {
      const request = { headers: { 'x-api-key': B }, multiValueHeaders: { 'x-api-key': [A, B] } };
      expect(presentedKey(request, 'x-api-key')).toEqual({ problem: 'ambiguous' });
    });

    it('when a junk value comes first, so it cannot become an alias of a valid key', () => {
      const request = { headers: { 'x-api-key': A }, multiValueHeaders: { 'x-api-key': ['junk', A] } };
      expect(presentedKey(request, 'x-api-key')).toEqual({ problem: 'ambiguous' });
    });

    it.each(API_KEY_HEADER_MODES)('in x-api-key plus a different Bearer key (%s mode)', (mode) => {
      const headers = { 'x-api-key': A, authorization: `Bearer ${B}` };
      expect(presentedKey({ headers }, mode)).toEqual({ problem: 'ambiguous' });
    });

    it('in headers spelled differently', () => {
      const request = { multiValueHeaders: { 'X-Api-Key': [A], 'x-api-key': [B] } };
      expect(presentedKey(request, 'x-api-key')).toEqual({ problem: 'ambiguous' });
    });
  });

  describe('in authorization mode', () => {
    it.each([`Bearer ${A}`, `bearer ${A}`, `BEARER   ${A}  `, `BeArEr\t${A}`])('reads %j', (value) => {
      expect(presentedKey({ headers: { Authorization: value } }, 'authorization')).toEqual({ token: A });
    });

    it.each([
      'Basic dXNlcjpwYXNz',
      `Token ${A}`,
      'Bearer',
      'Bearer a b',
      A,
      `Bearer${A}`,
    ])('finds no key in %j', (value) => {
      expect(presentedKey({ headers: { Authorization: value } }, 'authorization')).toEqual({ problem: 'missing' });
    });

    it('ignores a non-key x-api-key value but refuses a second key there', () => {
      expect(presentedKey({ headers: { Authorization: `Bearer ${A}`, 'x-api-key': 'x' } }, 'authorization')).toEqual({
        token: A,
      });
      expect(presentedKey({ headers: { Authorization: `Bearer ${A}`, 'x-api-key': B } }, 'authorization')).toEqual({
        problem: 'ambiguous',
      });
    });
  });

  describe('in either mode', () => {
    it('takes x-api-key or Bearer', () => {
      expect(presentedKey({ headers: { 'x-api-key': A } }, 'either')).toEqual({ token: A });
      expect(presentedKey({ headers: { authorization: `Bearer ${B}` } }, 'either')).toEqual({ token: B });
    });
  });

  it('finds nothing without headers', () => {
    for (const mode of API_KEY_HEADER_MODES) {
      expect(presentedKey({}, mode)).toEqual({ problem: 'missing' });
      expect(presentedKey({ headers: null, multiValueHeaders: null }, mode)).toEqual({ problem: 'missing' });
      expect(presentedKey({ headers: { 'x-api-key': '   ', other: 'Bearer x' } }, mode)).toEqual({
        problem: 'missing',
      });
    }
  });

  it("recognizes keys in the other header by the definition's prefix", () => {
    const lf = 'lf_live_CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCcccccc';
    const headers = { 'x-api-key': A, authorization: `Bearer ${lf}` };

    expect(presentedKey({ headers }, 'x-api-key', 'lf')).toEqual({ problem: 'ambiguous' });
    expect(presentedKey({ headers }, 'x-api-key', 'sk')).toEqual({ token: A });
    expect(presentedKey({ headers: { authorization: `Bearer ${A}` } }, 'either', 'lf')).toEqual({ token: A });
  });

  it('never returns a token when the request holds two distinct key values (property)', () => {
    const keyValue = fc.stringMatching(/^sk_(live|test)_[A-Za-z0-9]{1,46}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(...API_KEY_HEADER_MODES),
        fc.uniqueArray(keyValue, { minLength: 2, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        (mode, keys, asBearer) => {
          const apiKeys = keys.filter((_, index) => !asBearer[index]);
          const bearers = keys.filter((_, index) => asBearer[index]).map((key) => `Bearer ${key}`);
          const request = { multiValueHeaders: { 'x-api-key': apiKeys, Authorization: bearers } };
          expect(presentedKey(request, mode)).toEqual({ problem: 'ambiguous' });
        },
      ),
    );
  });
});
