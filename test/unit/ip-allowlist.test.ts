import fc from 'fast-check';
import { allowlistEntryProblem, ipAllowed } from '../../functions/domain/ip-allowlist';

const octets = fc.array(fc.nat({ max: 255 }), { minLength: 4, maxLength: 4 });
const hextets = fc.array(fc.nat({ max: 0xffff }), { minLength: 8, maxLength: 8 });
const ipv4 = (parts: number[]) => parts.join('.');
const ipv6 = (parts: number[]) => parts.map((p) => p.toString(16)).join(':');

/** Flips bit `index` (0 = most significant) of an address given as parts of `width` bits. */
function flipBit(parts: number[], width: number, index: number): number[] {
  const part = Math.floor(index / width);
  const bit = width - 1 - (index % width);
  return parts.map((value, i) => (i === part ? value ^ (1 << bit) : value));
}

describe('ipAllowed', () => {
  it('matches an exact IPv4 address and nothing next to it', () => {
    expect(ipAllowed(['203.0.113.7'], '203.0.113.7')).toBe(true);
    expect(ipAllowed(['203.0.113.7'], '203.0.113.8')).toBe(false);
    expect(ipAllowed(['198.51.100.1', '203.0.113.7'], '203.0.113.7')).toBe(true);
  });

  it('matches an exact IPv6 address in any spelling', () => {
    expect(ipAllowed(['2001:db8::1'], '2001:0db8:0000:0000:0000:0000:0000:0001')).toBe(true);
    expect(ipAllowed(['2001:DB8::1'], '2001:db8::1')).toBe(true);
    expect(ipAllowed(['2001:db8::1'], '2001:db8::2')).toBe(false);
  });

  it('matches IPv4 CIDR ranges inclusively at both ends', () => {
    expect(ipAllowed(['10.0.0.0/8'], '10.0.0.0')).toBe(true);
    expect(ipAllowed(['10.0.0.0/8'], '10.255.255.255')).toBe(true);
    expect(ipAllowed(['10.0.0.0/8'], '11.0.0.0')).toBe(false);
    expect(ipAllowed(['10.0.0.0/8'], '9.255.255.255')).toBe(false);
    expect(ipAllowed(['203.0.113.7/32'], '203.0.113.7')).toBe(true);
    expect(ipAllowed(['0.0.0.0/0'], '198.51.100.200')).toBe(true);
  });

  it('matches IPv6 CIDR ranges', () => {
    expect(ipAllowed(['2001:db8::/32'], '2001:db8:ffff:ffff::1')).toBe(true);
    expect(ipAllowed(['2001:db8::/32'], '2001:db9::1')).toBe(false);
    expect(ipAllowed(['::/0'], '2001:db9::1')).toBe(true);
  });

  it('compares an IPv4-mapped IPv6 source as IPv4', () => {
    expect(ipAllowed(['10.0.0.0/8'], '::ffff:10.0.0.1')).toBe(true);
    expect(ipAllowed(['10.0.0.1'], '::ffff:10.0.0.1')).toBe(true);
    expect(ipAllowed(['::ffff:10.0.0.1'], '10.0.0.1')).toBe(true);
    expect(ipAllowed(['10.0.0.0/8'], '::ffff:11.0.0.1')).toBe(false);
  });

  it('never matches an IPv4 source against an IPv6 range or the other way round', () => {
    expect(ipAllowed(['::/0'], '203.0.113.7')).toBe(false);
    expect(ipAllowed(['0.0.0.0/0'], '2001:db8::1')).toBe(false);
  });

  it('allows nothing with an empty allowlist', () => {
    expect(ipAllowed([], '203.0.113.7')).toBe(false);
  });

  it.each([
    '',
    'unknown',
    'not-an-ip',
    '999.1.1.1',
    '10.0.0.1/8',
    ' 10.0.0.1',
    '10.0.0.1 ',
    '2001:db8::g',
    '1.2.3.4.5',
  ])('never matches the invalid source %j, even against allow-all ranges', (source) => {
    expect(ipAllowed(['0.0.0.0/0', '::/0', '10.0.0.1'], source)).toBe(false);
  });

  it('never matches (nor throws on) a source with a character no address can contain', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 45 }), (source) => {
        fc.pre(!source.includes('%') && /[^0-9a-fA-FxX.:]/.test(source));

        expect(ipAllowed(['0.0.0.0/0', '::/0'], source)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('puts every IPv4 address in its own CIDR range, for any prefix length', () => {
    fc.assert(
      fc.property(octets, fc.integer({ min: 0, max: 32 }), (parts, prefix) => {
        expect(ipAllowed([`${ipv4(parts)}/${prefix}`], ipv4(parts))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps an IPv4 address out of a range once a bit inside the prefix differs', () => {
    fc.assert(
      fc.property(octets, fc.integer({ min: 1, max: 32 }), fc.nat(), (parts, prefix, seed) => {
        const outside = flipBit(parts, 8, seed % prefix);

        expect(ipAllowed([`${ipv4(parts)}/${prefix}`], ipv4(outside))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('ignores bits after the prefix', () => {
    fc.assert(
      fc.property(octets, fc.integer({ min: 0, max: 31 }), fc.nat(), (parts, prefix, seed) => {
        const sameRange = flipBit(parts, 8, prefix + (seed % (32 - prefix)));

        expect(ipAllowed([`${ipv4(parts)}/${prefix}`], ipv4(sameRange))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('puts every IPv6 address in its own CIDR range and keeps out addresses differing inside the prefix', () => {
    fc.assert(
      fc.property(hextets, fc.integer({ min: 1, max: 128 }), fc.nat(), (parts, prefix, seed) => {
        // Addresses in ::ffff:0:0/96 are IPv4-mapped and compared as IPv4; see the test below.
        fc.pre(!parts.slice(0, 5).every((p) => p === 0));
        const range = `${ipv6(parts)}/${prefix}`;

        expect(ipAllowed([range], ipv6(parts))).toBe(true);
        expect(ipAllowed([range], ipv6(flipBit(parts, 16, seed % prefix)))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('matches an exact IPv4 address given as an exact entry', () => {
    fc.assert(
      fc.property(octets, octets, (a, b) => {
        expect(ipAllowed([ipv4(a)], ipv4(b))).toBe(ipv4(a) === ipv4(b));
      }),
    );
  });

  // An IPv4-mapped IPv6 range could never match: sources are compared as IPv4.
  it('rejects an IPv4-mapped IPv6 CIDR entry, pointing to the IPv4 form', () => {
    expect(allowlistEntryProblem('::ffff:10.0.0.0/104')).toContain('write it as an IPv4 range');
  });

  // ipaddr.js would read zero-padded octets as octal (192.168.001.010 = 192.168.1.8) and short
  // forms loosely (10.1 = 10.0.0.1): such entries would allow another address than the admin meant.
  it.each(['192.168.001.010', '10.1', '010.0.0.0/8', '0x0a.0.0.1'])('rejects the ambiguous IPv4 entry %s', (entry) => {
    expect(allowlistEntryProblem(entry)).toBeDefined();
  });
});

describe('allowlistEntryProblem', () => {
  it.each([
    '203.0.113.7',
    '10.0.0.0/8',
    '0.0.0.0/0',
    '2001:db8::1',
    '2001:db8::/32',
    '::1',
    '::/0',
  ])('accepts %s', (entry) => {
    expect(allowlistEntryProblem(entry)).toBeUndefined();
  });

  it.each([
    '',
    'not-an-ip',
    'localhost',
    '300.1.1.1',
    '10.0.0.0/33',
    '10.0.0.0/',
    '/8',
    '10.0.0.0/8/8',
    '10.0.0.0/-1',
    '2001:db8::/129',
    '2001:db8:::1',
    '10.0.0.0 /8',
  ])('names the garbage entry %j', (entry) => {
    const problem = allowlistEntryProblem(entry);

    expect(problem).toContain(`'${entry}' is not an IPv4/IPv6 address or CIDR range`);
  });

  it('accepts every IPv4 address and CIDR range', () => {
    fc.assert(
      fc.property(octets, fc.integer({ min: 0, max: 32 }), (parts, prefix) => {
        expect(allowlistEntryProblem(ipv4(parts))).toBeUndefined();
        expect(allowlistEntryProblem(`${ipv4(parts)}/${prefix}`)).toBeUndefined();
      }),
    );
  });

  it('rejects IPv4 ranges with a prefix longer than 32 bits', () => {
    fc.assert(
      fc.property(octets, fc.integer({ min: 33, max: 999 }), (parts, prefix) => {
        expect(allowlistEntryProblem(`${ipv4(parts)}/${prefix}`)).toBeDefined();
      }),
    );
  });
});

/** Every way to write the IPv4-compatible IPv6 address ::a.b.c.d. */
const compatibleSpellings: ((octets: number[]) => string)[] = [
  (parts) => `::${ipv4(parts)}`,
  (parts) => `0::${ipv4(parts)}`,
  (parts) => `0:0:0:0:0:0:${ipv4(parts)}`,
  (parts) => `::0:0:${ipv4(parts)}`,
  (parts) => `::${compatibleHextets(parts).join(':')}`,
  (parts) =>
    `0000:0000:0000:0000:0000:0000:${compatibleHextets(parts)
      .map((hextet) => hextet.padStart(4, '0'))
      .join(':')}`.toUpperCase(),
];

function compatibleHextets([a = 0, b = 0, c = 0, d = 0]: number[]): string[] {
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

// :: and ::1 are the unspecified and loopback addresses, not IPv4-compatible ones.
const compatibleOctets = octets.filter((parts) => parts.slice(0, 3).some((p) => p !== 0) || (parts[3] ?? 0) > 1);

describe('IPv4-compatible IPv6 entries (::a.b.c.d)', () => {
  // ipaddr.js reads ::a.b.c.d as ::ffff:a.b.c.d, so this entry used to admit IPv4 127.0.0.1.
  it('refuses ::127.0.0.1, naming the IPv4 address to write instead', () => {
    expect(allowlistEntryProblem('::127.0.0.1')).toBe(
      "'::127.0.0.1' is an IPv4-compatible IPv6 address (deprecated, ::/96); no client has one. Write the IPv4 address 127.0.0.1 instead, or a range such as 127.0.0.1/32",
    );
  });

  it('does not let ::127.0.0.1 admit 127.0.0.1, even when it is already stored', () => {
    expect(ipAllowed(['::127.0.0.1'], '127.0.0.1')).toBe(false);
    expect(ipAllowed(['::127.0.0.0/104'], '127.0.0.1')).toBe(false);
  });

  it.each([
    '::7f00:1',
    '0:0:0:0:0:0:127.0.0.1',
    '::0.0.0.2',
    '::7f00:0/104',
    '::127.0.0.1/128',
    '::1.2.3.4/64',
  ])('refuses the spelling %s', (entry) => {
    expect(allowlistEntryProblem(entry)).toContain('IPv4-compatible');
  });

  it.each([
    '::',
    '::1',
    '::/96',
    '::/0',
    '::0.0.0.1',
    '::ffff:127.0.0.1',
    '64:ff9b::192.0.2.33',
  ])('still accepts %s, which is not IPv4-compatible', (entry) => {
    expect(allowlistEntryProblem(entry)).toBeUndefined();
  });

  it('refuses every spelling of every IPv4-compatible address, with or without a prefix, and none admits the IPv4 address', () => {
    fc.assert(
      fc.property(
        compatibleOctets,
        fc.constantFrom(...compatibleSpellings),
        fc.option(fc.integer({ min: 0, max: 128 })),
        (parts, spell, prefix) => {
          const entry = prefix === null ? spell(parts) : `${spell(parts)}/${prefix}`;

          expect(allowlistEntryProblem(entry)).toContain('IPv4-compatible');
          expect(ipAllowed([entry], ipv4(parts))).toBe(false);
          expect(ipAllowed([entry], `::ffff:${ipv4(parts)}`)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never reads an IPv4-compatible source as the IPv4 address', () => {
    fc.assert(
      fc.property(compatibleOctets, fc.constantFrom(...compatibleSpellings), (parts, spell) => {
        expect(ipAllowed([ipv4(parts), '0.0.0.0/0'], spell(parts))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('zone ids in allowlists (fe80::1%eth0)', () => {
  it('refuses fe80::1%lo, saying to remove the zone id', () => {
    expect(allowlistEntryProblem('fe80::1%lo')).toBe(
      "'fe80::1%lo' has a zone id (%lo); remove it, an allowlist holds addresses only",
    );
  });

  it.each(['fe80::1%1', 'fe80::%eth0/10', '::ffff:10.0.0.1%eth0', '127.0.0.1%lo'])('refuses %s', (entry) => {
    expect(allowlistEntryProblem(entry)).toContain('zone id');
  });

  it('never matches a stored entry or a source with a zone id', () => {
    fc.assert(
      fc.property(hextets, fc.stringMatching(/^[a-z0-9]{1,8}$/), (parts, zone) => {
        const address = ipv6(parts);

        expect(ipAllowed([`${address}%${zone}`], address)).toBe(false);
        expect(ipAllowed([address, '::/0', '0.0.0.0/0'], `${address}%${zone}`)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
