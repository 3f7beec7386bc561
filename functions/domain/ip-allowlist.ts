/** IP allowlists of IPv4/IPv6 addresses and CIDR ranges. */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** An allowlist entry as a range; a single address is its own range (/32 or /128). */
export interface AllowlistRange {
  address: Address;
  bits: number;
}

/**
 * Why an allowlist entry is invalid, or undefined when it parses. IPv4 must be written as four
 * decimal parts: ipaddr.js would read `192.168.001.010` as octal and `10.1` as 10.0.0.1, so an
 * entry would silently allow another address than the admin meant.
 */
export function allowlistEntryProblem(entry: string): string | undefined {
  const [text = '', bits, ...rest] = entry.split('/');
  const invalid = `'${entry}' is not an IPv4/IPv6 address or CIDR range (e.g. 203.0.113.7 or 2001:db8::/32)`;
  if (rest.length > 0) return invalid;
  // A zone id names an interface of one machine (fe80::1%eth0); no client's address carries one.
  if (text.includes('%')) {
    return `'${entry}' has a zone id (${text.slice(text.indexOf('%'))}); remove it, an allowlist holds addresses only`;
  }
  const address = parseAddress(text);
  if (!address) return invalid;
  const ipv4 = address.kind() === 'ipv4';
  if (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > (ipv4 ? 32 : 128))) return invalid;
  if (address instanceof ipaddr.IPv6) {
    const compatible = ipv4CompatibleTail(address);
    if (compatible) {
      return `'${entry}' is an IPv4-compatible IPv6 address (deprecated, ::/96); no client has one. Write the IPv4 address ${compatible} instead, or a range such as ${compatible}/32`;
    }
    if (bits !== undefined && address.isIPv4MappedAddress()) {
      return `'${entry}' is an IPv4-mapped IPv6 range; write it as an IPv4 range instead (e.g. 10.0.0.0/8)`;
    }
  }
  return undefined;
}

/** The range of a valid entry, with an IPv4-mapped single address read as IPv4; undefined for an invalid one. */
export function parseAllowlistEntry(entry: string): AllowlistRange | undefined {
  if (allowlistEntryProblem(entry)) return undefined;
  const [text = '', bits] = entry.split('/');
  const address = comparable(parseAddress(text) as Address);
  return { address, bits: bits === undefined ? (address.kind() === 'ipv4' ? 32 : 128) : Number(bits) };
}

/** Entries that are not valid (stored before a rule was added, say) never match. */
export function ipAllowed(allowlist: readonly string[], sourceIp: string): boolean {
  const parsed = sourceIp.includes('%') ? undefined : parseAddress(sourceIp);
  if (!parsed) return false;
  // An IPv4 client may reach a dual-stack endpoint as ::ffff:a.b.c.d; compare it as IPv4.
  const source = comparable(parsed);
  return allowlist.some((entry) => {
    const range = parseAllowlistEntry(entry);
    return range !== undefined && range.address.kind() === source.kind() && source.match(range.address, range.bits);
  });
}

/**
 * Parses an address without ipaddr.js's two surprises: it reads `::a.b.c.d` as `::ffff:a.b.c.d`
 * (so `::127.0.0.1` would match 127.0.0.1), and IPv4 parts as octal or hex. Zone ids are refused.
 */
function parseAddress(text: string): Address | undefined {
  if (!text.includes(':')) return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : undefined;
  if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
  const dotted = /^(.*:)([^:]+\.[^:]+)$/.exec(text);
  if (!dotted) return ipaddr.IPv6.parse(text);
  const [, head = '', ipv4Text = ''] = dotted;
  if (!ipaddr.IPv4.isValidFourPartDecimal(ipv4Text)) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = ipaddr.IPv4.parse(ipv4Text).octets;
  const hextets = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  return ipaddr.IPv6.isValid(`${head}${hextets}`) ? ipaddr.IPv6.parse(`${head}${hextets}`) : undefined;
}

/** The dotted IPv4 tail of an IPv4-compatible address (::/96 other than :: and ::1), else undefined. */
function ipv4CompatibleTail(address: ipaddr.IPv6): string | undefined {
  const parts = address.parts;
  if (parts.slice(0, 6).some((part) => part !== 0)) return undefined;
  const [high = 0, low = 0] = parts.slice(6);
  if (high === 0 && low <= 1) return undefined;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function comparable(address: Address): Address {
  return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}
