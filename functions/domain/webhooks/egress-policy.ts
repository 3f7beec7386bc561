/**
 * Where webhook deliveries may go. Receivers are chosen by customers, so an endpoint URL must never
 * become a way into our own network: the cloud metadata service, VPC neighbours, loopback services.
 * `urlProblem` is the early check at registration; `addressProblem` is the real guard, applied to
 * every address a delivery actually connects to.
 */
import ipaddr from 'ipaddr.js';
import type { KeyEnvironment } from '../keys/key-token';

export interface EgressPolicy {
  /** sandbox endpoints may use http and loopback (local stack setting) */
  allowLoopbackForTest: boolean;
}

const MAX_URL_LENGTH = 2048;

const RANGE_LABELS: Record<string, string> = {
  unspecified: 'unspecified address',
  broadcast: 'broadcast address',
  multicast: 'multicast address',
  linkLocal: 'link-local address',
  loopback: 'loopback address',
  carrierGradeNat: 'carrier-grade NAT address',
  private: 'private address',
  reserved: 'reserved address',
  benchmarking: 'benchmarking address',
  uniqueLocal: 'unique local address',
  deprecatedSiteLocal: 'site-local address',
  discard: 'discard-only address',
  rfc6145: 'IPv4-translated address',
  rfc6052: 'local-use NAT64 address',
  '6to4': '6to4 tunnel address',
  teredo: 'Teredo tunnel address',
};

/** Four decimal parts without leading zeros, which would make a part octal. */
const PLAIN_IPV4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;
const IPV4_METADATA = ipaddr.IPv4.parse('169.254.169.254');
const IPV6_METADATA = ipaddr.IPv6.parse('fd00:ec2::254');
const GLOBAL_UNICAST: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse('2000::'), 3];
const NAT64_WELL_KNOWN: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse('64:ff9b::'), 96];

function allowsLoopback(environment: KeyEnvironment, policy: EgressPolicy): boolean {
  return environment === 'test' && policy.allowLoopbackForTest;
}

function labelOf(range: string): string {
  return RANGE_LABELS[range] ?? `special-purpose address (${range})`;
}

function ipv4Problem(address: ipaddr.IPv4, loopbackAllowed: boolean): string | undefined {
  const range = address.range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback' && loopbackAllowed) return undefined;
  if (address.match(IPV4_METADATA, 32)) return 'link-local address of the instance metadata service';
  return labelOf(range);
}

/**
 * Only global unicast (2000::/3) outside every special range passes. Addresses that embed an IPv4
 * address are judged as follows:
 * - IPv4-mapped (::ffff:a.b.c.d) is how dual-stack sockets name IPv4 peers: judged as that IPv4.
 * - NAT64's well-known prefix (64:ff9b::/96) is judged by its embedded IPv4, because DNS64 in
 *   IPv6-only VPC subnets answers with it for every IPv4-only receiver and the NAT gateway then
 *   connects to exactly that IPv4. The loopback allowance does not apply: the gateway's loopback
 *   is not ours.
 * - 6to4, Teredo, the local-use NAT64 prefix and IPv4-compatible (::a.b.c.d) are blocked outright:
 *   deprecated or network-specific, their embedded IPv4 names a relay or an obfuscated client rather
 *   than the receiver, so checking it would prove nothing, and no legitimate receiver needs them.
 */
function ipv6Problem(address: ipaddr.IPv6, loopbackAllowed: boolean): string | undefined {
  if (address.isIPv4MappedAddress()) {
    const problem = ipv4Problem(address.toIPv4Address(), loopbackAllowed);
    return problem && `IPv4-mapped ${problem}`;
  }
  if (address.match(NAT64_WELL_KNOWN)) {
    const [a = 0, b = 0, c = 0, d = 0] = address.toByteArray().slice(12);
    const problem = ipv4Problem(new ipaddr.IPv4([a, b, c, d]), false);
    return problem && `${problem} behind NAT64`;
  }
  const range: string = address.range();
  if (range === 'loopback' && loopbackAllowed) return undefined;
  if (address.match(IPV6_METADATA, 128)) return 'instance metadata service address';
  if (range !== 'unicast') return labelOf(range);
  if (address.parts.slice(0, 6).every((part) => part === 0)) return 'IPv4-compatible address (deprecated)';
  if (!address.match(GLOBAL_UNICAST)) return 'address outside global unicast space';
  return undefined;
}

/** `address` read as the socket layer reads it, or undefined when it is no IP address. */
function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  // The common case, checked on every new connection, without ipaddr.js's slower general parser.
  const decimal = PLAIN_IPV4.exec(address);
  if (decimal) {
    const octets = decimal.slice(1).map(Number);
    return octets.every((octet) => octet <= 255) ? new ipaddr.IPv4(octets) : undefined;
  }
  // ipaddr.js reads short and octal IPv4 forms (10.1, 0x7f.1) the way getaddrinfo does.
  if (!ipaddr.isValid(address)) return undefined;
  if (!(address.includes(':') && address.includes('.'))) return ipaddr.parse(address);
  // But it reads the IPv4-compatible ::a.b.c.d as the IPv4-mapped ::ffff:a.b.c.d; the URL parser
  // rewrites the embedded IPv4 in hex without changing the address.
  try {
    return ipaddr.IPv6.parse(new URL(`http://[${address.split('%')[0]}]`).hostname.slice(1, -1));
  } catch {
    return undefined;
  }
}

/** Why a delivery must not connect to `address`, or undefined when it may. */
export function addressProblem(address: string, environment: KeyEnvironment, policy: EgressPolicy): string | undefined {
  const parsed = parse(address);
  if (!parsed) return 'not an IP address';
  const loopbackAllowed = allowsLoopback(environment, policy);
  return parsed.kind() === 'ipv4'
    ? ipv4Problem(parsed as ipaddr.IPv4, loopbackAllowed)
    : ipv6Problem(parsed as ipaddr.IPv6, loopbackAllowed);
}

/** The host of a URL as a resolver or a socket wants it: IPv6 literals without their brackets. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** The part of `urlProblem` deliveries check again, on every send. */
export function schemeProblem(url: URL, environment: KeyEnvironment, policy: EgressPolicy): string | undefined {
  if (url.protocol === 'https:' || (url.protocol === 'http:' && allowsLoopback(environment, policy))) return undefined;
  return environment === 'live'
    ? 'must use https (live endpoints accept https only)'
    : 'must use https (http is accepted only by sandbox endpoints of a local stack)';
}

/**
 * Why `url` cannot be an endpoint, phrased as what to fix (`url ${problem}`), or undefined. Only an
 * early check: names resolve differently later, so connections are checked again by address.
 */
export function urlProblem(url: string, environment: KeyEnvironment, policy: EgressPolicy): string | undefined {
  if (url.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  // The URL parser silently drops tabs and newlines and trims spaces; the stored URL should be the
  // one requested.
  if (/\s/.test(url)) return 'must not contain whitespace';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL such as https://example.com/webhooks';
  }
  const scheme = schemeProblem(parsed, environment, policy);
  if (scheme) return scheme;
  const loopbackAllowed = allowsLoopback(environment, policy);
  if (parsed.username !== '' || parsed.password !== '') {
    return 'must not contain a username or password; authenticate with the webhook signature instead';
  }
  if (url.includes('#')) return 'must not contain a fragment (#...)';
  const host = bareHostname(parsed).replace(/\.$/, '');
  if ((host === 'localhost' || host.endsWith('.localhost')) && !loopbackAllowed) {
    return 'must not point at localhost; use a publicly reachable host';
  }
  if (ipaddr.isValid(host)) {
    const problem = addressProblem(host, environment, policy);
    if (problem) return `must not point at ${host} (${problem}); use a publicly reachable host`;
  }
  return undefined;
}
