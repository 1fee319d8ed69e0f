import { BlockList, isIP } from 'node:net';

/** Where webhooks may be sent. */
export interface WebhookUrlPolicy {
  /** Loopback and private, link-local and other non-public ranges are allowed (tests, the demo, closed networks). */
  allowPrivateNetworks: boolean;
  /** If not empty, only these host names (exact, lower case) or `*.suffix` patterns are allowed. */
  allowedHosts: readonly string[];
  /** Only `https` URLs (AJX_MODE=production): a delivery carries department data and its signature. */
  httpsOnly?: boolean;
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (any textual form, an embedded dotted IPv4 tail included). */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const b = dotted.slice(1).map(Number);
    if (b.some((x) => x > 255)) return null;
    text = `${text.slice(0, dotted.index)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string) => (h ? h.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)) : []);
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? head.length !== 8 : fill < 1) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  return groups.some((g) => Number.isNaN(g)) ? null : groups;
}

const dottedOf = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/**
 * The IPv4 addresses an IPv6 address stands for or routes to: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
 * (`::a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`, RFC 6052), 6to4
 * (`2002:AABB:CCDD::`, RFC 3056) and Teredo (`2001:0::`, server and client, RFC 4380). A loopback or private IPv4
 * address written in any of these forms is as private as the plain one.
 */
export function embeddedIpv4(address: string): string[] {
  const g = ipv6Groups(address);
  if (!g) return [];
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const out: string[] = [];
  if (zeros(0, 5) && (g[5] === 0xffff || (g[5] === 0 && (g[6] !== 0 || g[7] > 1)))) out.push(dottedOf(g[6], g[7]));
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) out.push(dottedOf(g[6], g[7]));
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) out.push(dottedOf(g[6], g[7]));
  if (g[0] === 0x2002) out.push(dottedOf(g[1], g[2]));
  if (g[0] === 0x2001 && g[1] === 0) out.push(dottedOf(g[2], g[3]), dottedOf(g[6] ^ 0xffff, g[7] ^ 0xffff));
  return out;
}

/** True for loopback, private, link-local, shared, documentation, multicast and reserved addresses, in any form. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return NON_PUBLIC.check(address, 'ipv4');
  if (embeddedIpv4(address).some((a) => NON_PUBLIC.check(a, 'ipv4'))) return true;
  return NON_PUBLIC.check(address, 'ipv6');
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  if (!allowed.length) return true;
  return allowed.some((a) =>
    a.startsWith('*.') ? host.endsWith(a.slice(1)) && host.length > a.length - 1 : host === a,
  );
}

/**
 * Checks a webhook URL when it is configured: absolute http(s), no credentials, no fragment, at most 2048
 * characters; the host allowed by the policy; an address literal (or `localhost`) only in a public range unless
 * private networks are allowed. Names are checked again when resolved at delivery (`checkResolvedAddress`).
 */
export function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy): UrlCheck {
  if (raw.length > 2048) return { ok: false, reason: 'the URL is longer than 2048 characters' };
  // eslint-disable-next-line no-control-regex -- control characters (C0, DEL, C1 with NEL U+0085) are what is refused
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(raw))
    return { ok: false, reason: 'the URL contains whitespace or control characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not an absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'only http and https URLs' };
  if (policy.httpsOnly && url.protocol !== 'https:')
    return { ok: false, reason: 'only https URLs (this hub runs with AJX_MODE=production)' };
  if (url.username || url.password) return { ok: false, reason: 'credentials in the URL are not allowed' };
  if (url.hash) return { ok: false, reason: 'a fragment is not allowed' };
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!host) return { ok: false, reason: 'the URL has no host' };
  if (!hostAllowed(host, policy.allowedHosts)) return { ok: false, reason: `host ${host} is not in the allow-list` };
  if (
    !policy.allowPrivateNetworks &&
    (host === 'localhost' || host.endsWith('.localhost') || isNonPublicAddress(host))
  ) {
    return { ok: false, reason: 'loopback and private network addresses are not allowed' };
  }
  return { ok: true, url };
}

/** Checks an address a webhook host resolved to, right before connecting (no DNS rebinding to internal hosts). */
export function checkResolvedAddress(address: string, policy: WebhookUrlPolicy): string | null {
  return !policy.allowPrivateNetworks && isNonPublicAddress(address)
    ? `resolves to a non-public address (${address})`
    : null;
}
