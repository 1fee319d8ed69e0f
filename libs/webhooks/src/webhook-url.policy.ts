import { BlockList, isIP } from 'node:net';

/** Where webhooks may be sent. */
export interface WebhookUrlPolicy {
  /** Loopback and private, link-local and other non-public ranges are allowed (tests, the demo, closed networks). */
  allowPrivateNetworks: boolean;
  /** If not empty, only these host names (exact, lower case) or `*.suffix` patterns are allowed. */
  allowedHosts: readonly string[];
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
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, `::ffff:102:304`), if it is one. */
function mappedIpv4(address: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True for loopback, private, link-local, shared, documentation, multicast and reserved addresses. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const v4 = family === 6 ? mappedIpv4(address) : address;
  if (v4 !== null) return NON_PUBLIC.check(v4, 'ipv4');
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
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\s\u0000-\u001f\u007f]/.test(raw))
    return { ok: false, reason: 'the URL contains whitespace or control characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not an absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'only http and https URLs' };
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
