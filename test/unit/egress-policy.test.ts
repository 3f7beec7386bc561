import fc from 'fast-check';
import { addressProblem, type EgressPolicy, urlProblem } from '../../functions/domain/webhooks/egress-policy';

const strict: EgressPolicy = { allowLoopbackForTest: false };
const localStack: EgressPolicy = { allowLoopbackForTest: true };

const octet = fc.nat({ max: 255 });
/** Any IPv4 address starting with the octets of `prefix`. */
const inRange = (prefix: number[]) =>
  fc.tuple(octet, octet, octet, octet).map((random) => [...prefix, ...random.slice(prefix.length)].join('.'));

describe('addressProblem', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.7', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fd00:ec2::254', 'metadata'],
    ['fc00::1', 'unique local'],
    ['fdff:ffff::1', 'unique local'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'site-local'],
    ['100::1', 'discard'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['0:0:0:0:0:ffff:c0a8:0101', 'IPv4-mapped private'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['::8.8.8.8', 'IPv4-compatible'],
    ['::ffff:0:7f00:1', 'IPv4-translated'],
    ['64:ff9b::a9fe:a9fe', 'behind NAT64'],
    ['64:ff9b::127.0.0.1', 'loopback address behind NAT64'],
    ['64:ff9b::10.0.0.1', 'private address behind NAT64'],
    ['64:ff9b:1::808:808', 'local-use NAT64'],
    ['2002:7f00:1::1', '6to4'],
    ['2002:808:808::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['4000::1', 'outside global unicast'],
    ['not-an-ip', 'not an IP address'],
    ['', 'not an IP address'],
    ['10.1', 'private'],
    ['0x7f.1', 'loopback'],
  ])('blocks %s (%s)', (address, reason) => {
    const problem = addressProblem(address, 'live', strict);

    expect(problem).toContain(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('allows the public address %s', (address) => {
    expect(addressProblem(address, 'live', strict)).toBeUndefined();
  });

  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '::ffff:127.0.0.1',
  ])('allows the loopback address %s only to sandbox endpoints of a local stack', (address) => {
    expect(addressProblem(address, 'test', localStack)).toBeUndefined();
    expect(addressProblem(address, 'live', localStack)).toContain('loopback');
    expect(addressProblem(address, 'test', strict)).toContain('loopback');
  });

  it.each([
    '10.0.0.1',
    '169.254.169.254',
    'fd00:ec2::254',
    '0.0.0.0',
    '::',
    '64:ff9b::7f00:1',
    '192.168.0.1',
  ])('keeps blocking %s where loopback is allowed', (address) => {
    expect(addressProblem(address, 'test', localStack)).toBeDefined();
  });

  it.each([
    ['10/8', [10]],
    ['127/8', [127]],
    ['169.254/16', [169, 254]],
    ['192.168/16', [192, 168]],
  ])('blocks every address of %s, also IPv4-mapped', (_, prefix) => {
    fc.assert(
      fc.property(inRange(prefix), (address) => {
        expect(addressProblem(address, 'live', strict)).toBeDefined();
        expect(addressProblem(`::ffff:${address}`, 'live', strict)).toBeDefined();
      }),
    );
  });

  it('blocks every address of 100.64/10 and 172.16/12', () => {
    fc.assert(
      fc.property(fc.nat({ max: 63 }), fc.nat({ max: 15 }), octet, octet, (cgnat, privateBlock, c, d) => {
        expect(addressProblem(`100.${64 + cgnat}.${c}.${d}`, 'live', strict)).toContain('carrier-grade NAT');
        expect(addressProblem(`172.${16 + privateBlock}.${c}.${d}`, 'live', strict)).toContain('private');
      }),
    );
  });

  it('allows addresses of public unicast blocks', () => {
    const publicFirstOctet = fc.constantFrom(8, 9, 13, 23, 34, 52, 54, 81, 93, 104, 151, 185, 212);
    fc.assert(
      fc.property(publicFirstOctet, octet, octet, octet, (a, b, c, d) => {
        expect(addressProblem(`${a}.${b}.${c}.${d}`, 'live', strict)).toBeUndefined();
      }),
    );
  });
});

describe('urlProblem', () => {
  it.each([
    'https://example.com/webhooks',
    'https://example.com:8443/hooks?token=abc',
    'https://[2606:4700:4700::1111]/hooks',
    'https://8.8.8.8/',
  ])('accepts %s for a live endpoint', (url) => {
    expect(urlProblem(url, 'live', strict)).toBeUndefined();
  });

  it.each([
    ['example.com/webhooks', 'absolute URL'],
    ['/webhooks', 'absolute URL'],
    ['http://example.com/webhooks', 'must use https (live endpoints accept https only)'],
    ['ftp://example.com/webhooks', 'must use https'],
    ['https://user:pass@example.com/', 'username or password'],
    ['https://user@example.com/', 'username or password'],
    ['https://example.com/hooks#section', 'fragment'],
    ['https://example.com/hooks#', 'fragment'],
    ['https://localhost/hooks', 'localhost'],
    ['https://LOCALHOST./hooks', 'localhost'],
    ['https://api.localhost/hooks', 'localhost'],
    ['https://127.0.0.1/hooks', 'loopback'],
    ['https://2130706433/hooks', 'loopback'],
    ['https://0x7f.1/hooks', 'loopback'],
    ['https://[::1]/hooks', 'loopback'],
    ['https://[::ffff:127.0.0.1]/hooks', 'IPv4-mapped loopback'],
    ['https://169.254.169.254/latest/meta-data', 'metadata'],
    ['https://[fd00:ec2::254]/', 'metadata'],
    ['https://10.0.0.5/hooks', 'private'],
    ['https://0.0.0.0/hooks', 'unspecified'],
    [' https://example.com/hooks', 'whitespace'],
    ['https://example.com/ho\toks', 'whitespace'],
    [`https://example.com/${'a'.repeat(2048)}`, 'at most 2048 characters'],
  ])('rejects %j for a live endpoint (%s)', (url, reason) => {
    expect(urlProblem(url, 'live', strict)).toContain(reason);
  });

  it('lets sandbox endpoints of a local stack use http and loopback, but nothing else private', () => {
    expect(urlProblem('http://localhost:3000/hooks', 'test', localStack)).toBeUndefined();
    expect(urlProblem('http://127.0.0.1:3000/hooks', 'test', localStack)).toBeUndefined();
    expect(urlProblem('https://[::1]:3000/hooks', 'test', localStack)).toBeUndefined();
    expect(urlProblem('http://10.0.0.5/hooks', 'test', localStack)).toContain('private');
    expect(urlProblem('http://169.254.169.254/', 'test', localStack)).toContain('metadata');
  });

  it('keeps sandbox endpoints to https and public hosts without the local-stack setting', () => {
    expect(urlProblem('http://example.com/hooks', 'test', strict)).toContain('must use https');
    expect(urlProblem('https://localhost/hooks', 'test', strict)).toContain('localhost');
    expect(urlProblem('https://127.0.0.1/hooks', 'test', strict)).toContain('loopback');
  });

  it('never lets live endpoints use http or loopback, whatever the local-stack setting', () => {
    expect(urlProblem('http://example.com/hooks', 'live', localStack)).toContain('live endpoints accept https only');
    expect(urlProblem('https://localhost/hooks', 'live', localStack)).toContain('localhost');
    expect(urlProblem('https://127.0.0.1/hooks', 'live', localStack)).toContain('loopback');
  });

  it('accepts a URL of exactly 2048 characters', () => {
    const base = 'https://example.com/';
    const url = base + 'a'.repeat(2048 - base.length);

    expect(urlProblem(url, 'live', strict)).toBeUndefined();
  });
});
