/** IP allowlists of IPv4/IPv6 addresses and CIDR ranges. */
import ipaddr from 'ipaddr.js';

/**
 * Why an allowlist entry is invalid, or undefined when it parses. IPv4 must be written as four
 * decimal parts: ipaddr.js would read `192.168.001.010` as octal and `10.1` as 10.0.0.1, so an
 * entry would silently allow another address than the admin meant.
 */
export function allowlistEntryProblem(entry: string): string | undefined {
  const [address = '', bits, ...rest] = entry.split('/');
  const invalid = `'${entry}' is not an IPv4/IPv6 address or CIDR range (e.g. 203.0.113.7 or 2001:db8::/32)`;
  if (rest.length > 0) return invalid;
  const looksIpv4 = !address.includes(':');
  if (looksIpv4 ? !ipaddr.IPv4.isValidFourPartDecimal(address) : !ipaddr.IPv6.isValid(address)) return invalid;
  if (bits !== undefined) {
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > (looksIpv4 ? 32 : 128)) return invalid;
    if (!looksIpv4 && ipaddr.IPv6.parse(address).isIPv4MappedAddress()) {
      return `'${entry}' is an IPv4-mapped IPv6 range; write it as an IPv4 range instead (e.g. 10.0.0.0/8)`;
    }
  }
  return undefined;
}

export function ipAllowed(allowlist: readonly string[], sourceIp: string): boolean {
  if (!ipaddr.isValid(sourceIp)) return false;
  // An IPv4 client may reach a dual-stack endpoint as ::ffff:a.b.c.d; compare it as IPv4.
  const address = ipaddr.process(sourceIp);
  return allowlist.some((entry) => {
    if (!entry.includes('/')) return ipaddr.process(entry).toNormalizedString() === address.toNormalizedString();
    const [range, bits] = ipaddr.parseCIDR(entry);
    return range.kind() === address.kind() && address.match([range, bits]);
  });
}
