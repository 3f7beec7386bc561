/** IP allowlists of IPv4/IPv6 addresses and CIDR ranges. */
import ipaddr from 'ipaddr.js';

/** Why an allowlist entry is invalid, or undefined when it parses. */
export function allowlistEntryProblem(entry: string): string | undefined {
  try {
    if (entry.includes('/')) ipaddr.parseCIDR(entry);
    else ipaddr.parse(entry);
    return undefined;
  } catch {
    return `'${entry}' is not an IPv4/IPv6 address or CIDR range (e.g. 203.0.113.7 or 2001:db8::/32)`;
  }
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
