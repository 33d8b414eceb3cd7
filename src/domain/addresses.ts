import { BlockList, isIP } from "node:net";

/**
 * What kind of network an IP address is on, for where a webhook may send (docs/webhooks.md,
 * Where a webhook may send). `public` is anything not listed. IPv4-mapped IPv6 addresses (::ffff:10.0.0.1)
 * count as the IPv4 address they carry; so do NAT64 ones (64:ff9b::/96).
 */
export type AddressKind = "public" | "loopback" | "private" | "metadata" | "link-local" | "unspecified" | "special";

const RANGES: Array<[AddressKind, string, number, "ipv4" | "ipv6"]> = [
  // Cloud instance metadata services hold machine credentials: never a webhook's target.
  ["metadata", "169.254.169.254", 32, "ipv4"],
  ["metadata", "100.100.100.200", 32, "ipv4"],
  ["metadata", "fd00:ec2::254", 128, "ipv6"],
  ["loopback", "127.0.0.0", 8, "ipv4"],
  ["loopback", "::1", 128, "ipv6"],
  ["unspecified", "0.0.0.0", 8, "ipv4"],
  ["unspecified", "::", 128, "ipv6"],
  ["link-local", "169.254.0.0", 16, "ipv4"],
  ["link-local", "fe80::", 10, "ipv6"],
  ["private", "10.0.0.0", 8, "ipv4"],
  ["private", "172.16.0.0", 12, "ipv4"],
  ["private", "192.168.0.0", 16, "ipv4"],
  ["private", "100.64.0.0", 10, "ipv4"],
  ["private", "fc00::", 7, "ipv6"],
  ["special", "192.0.0.0", 24, "ipv4"],
  ["special", "192.0.2.0", 24, "ipv4"],
  ["special", "198.18.0.0", 15, "ipv4"],
  ["special", "198.51.100.0", 24, "ipv4"],
  ["special", "203.0.113.0", 24, "ipv4"],
  ["special", "224.0.0.0", 4, "ipv4"],
  ["special", "240.0.0.0", 4, "ipv4"],
  ["special", "ff00::", 8, "ipv6"],
  ["special", "2001:db8::", 32, "ipv6"],
];

const LISTS = new Map<AddressKind, BlockList>();
for (const [kind, network, prefix, family] of RANGES) {
  const list = LISTS.get(kind) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  LISTS.set(kind, list);
}

const NAT64 = /^64:ff9b::(?:([0-9a-f]{1,4}):([0-9a-f]{1,4})|(\d+\.\d+\.\d+\.\d+))$/i;

/** The kind of network `address` (an IP literal, IPv6 without brackets) is on; null if it is no IP. */
export function addressKind(address: string): AddressKind | null {
  const family = isIP(address);
  if (family === 0) return null;
  const nat64 = family === 6 ? NAT64.exec(address) : null;
  if (nat64) {
    const [, high, low, dotted] = nat64;
    const v4 =
      dotted ??
      [high, low].flatMap((h) => [Number.parseInt(h ?? "0", 16) >> 8, Number.parseInt(h ?? "0", 16) & 255]).join(".");
    return addressKind(v4);
  }
  const type = family === 4 ? "ipv4" : "ipv6";
  // Order matters: metadata addresses sit inside the link-local and private ranges.
  for (const [kind, list] of LISTS) if (list.check(address, type)) return kind;
  return "public";
}

/**
 * Loopback, the one definition: whether a host name or address always means this machine.
 * `localhost` and its subdomains (RFC 6761), or an address in 127.0.0.0/8 or ::1 (IPv6 with or
 * without brackets, an IPv4-mapped one too). Where the server listens in open mode, the hosts it
 * answers for then, and where a webhook may not go unless the operator allows it all ask this.
 */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  return /(^|\.)localhost\.?$/i.test(bare) || addressKind(bare) === "loopback";
}

/**
 * Whether a webhook may connect to an address of this kind. Public addresses always; loopback
 * and private networks only when the operator allows them (PROMPTRAIL_WEBHOOK_PRIVATE=1);
 * link-local, metadata and special-purpose addresses never.
 */
export function mayReach(kind: AddressKind, allowPrivate: boolean): boolean {
  if (kind === "public") return true;
  if (kind === "loopback" || kind === "private") return allowPrivate;
  return false;
}

/**
 * Whether a stage environment's model endpoint may be at an address of this kind: public,
 * loopback and private networks (Ollama on this machine, vLLM on the LAN), never link-local,
 * cloud metadata, unspecified or special-purpose addresses, where a key or a prompt has no
 * business going and whose answers (a metadata service's credentials) TEST would show.
 */
export function modelMayReach(kind: AddressKind): boolean {
  return kind === "public" || kind === "loopback" || kind === "private";
}

/** Why an address of this kind may not be reached: "a loopback address; …", for the log and the form. */
export function addressRefusal(kind: AddressKind): string {
  const what: Record<AddressKind, string> = {
    public: "a public address",
    loopback: "a loopback address",
    private: "a private-network address",
    metadata: "a cloud metadata address",
    "link-local": "a link-local address",
    unspecified: "an unspecified address",
    special: "a special-purpose address",
  };
  const fix =
    kind === "loopback" || kind === "private"
      ? "; the server's operator can allow loopback and private networks with PROMPTRAIL_WEBHOOK_PRIVATE=1"
      : "; webhooks never go there";
  return `${what[kind]}${fix}`;
}
