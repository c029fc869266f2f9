import net from 'node:net';

/**
 * Which addresses a fetch may reach: the public internet, plus what the operator allows. Everything
 * else (loopback, private networks, link-local with the cloud metadata address, multicast...) could
 * let a caller probe or attack the machine's own network through us.
 */

const NON_PUBLIC = new net.BlockList();
const V4: Array<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
// ::/96 covers the unspecified and loopback addresses and the old IPv4-compatible form.
const V6: Array<[string, number]> = [
  ['::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
];
for (const [address, prefix] of V4) NON_PUBLIC.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of V6) NON_PUBLIC.addSubnet(address, prefix, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad included). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const first = head ? head.split(':') : [];
  const last = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - first.length - last.length).fill('0');
  return [...first, ...fill, ...last].map((group) => parseInt(group, 16));
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
function embeddedIPv4(address: string): string | null {
  const g = ipv6Groups(address);
  const quad = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return quad(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return quad(g[6]!, g[7]!);
  if (g[0] === 0x2002) return quad(g[1]!, g[2]!);
  return null;
}

/** The address as the IPv4 it stands for when it embeds one, so one set of rules covers both forms. */
function canonical(address: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const version = net.isIP(address);
  if (version === 4) return { address, family: 'ipv4' };
  if (version !== 6) return null;
  const inner = embeddedIPv4(address);
  return inner ? { address: inner, family: 'ipv4' } : { address: address.split('%')[0]!, family: 'ipv6' };
}

export function isPublicAddress(address: string): boolean {
  const ip = canonical(address);
  return ip !== null && !NON_PUBLIC.check(ip.address, ip.family);
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/** Checks one PIXELROUTER_FETCH_ALLOW entry: a hostname, an address or a CIDR. */
export function allowEntryError(entry: string): string | null {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined) return `'${entry}' is not a hostname, an address or a CIDR`;
  const version = net.isIP(address!);
  if (prefix !== undefined) {
    const bits = Number(prefix);
    return version && /^\d+$/.test(prefix) && bits <= (version === 4 ? 32 : 128) ? null : `'${entry}' is not a valid CIDR`;
  }
  return version || HOSTNAME.test(entry.toLowerCase()) ? null : `'${entry}' is not a hostname, an address or a CIDR`;
}

/** The public internet plus the operator's allow-list of hostnames and networks. */
export class AddressPolicy {
  private hosts = new Set<string>();
  private nets = new net.BlockList();

  constructor(entries: string[]) {
    for (const entry of entries) {
      const error = allowEntryError(entry);
      if (error) throw new Error(error);
      const [address, prefix] = entry.split('/') as [string, string | undefined];
      const version = net.isIP(address);
      if (!version) this.hosts.add(normalHost(entry));
      else this.nets.addSubnet(address, prefix === undefined ? (version === 4 ? 32 : 128) : Number(prefix), version === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /** Whether `hostname` (as written in the URL) may be reached at `address`. */
  permits(hostname: string, address: string): boolean {
    if (isPublicAddress(address) || this.hosts.has(normalHost(hostname))) return true;
    const version = net.isIP(address);
    const ip = canonical(address);
    return (version !== 0 && this.nets.check(address.split('%')[0]!, version === 4 ? 'ipv4' : 'ipv6')) || (ip !== null && this.nets.check(ip.address, ip.family));
  }
}

const normalHost = (host: string) => host.toLowerCase().replace(/\.$/, '');
