import type { Compliance, NetworkRule, Role } from './persona';

/**
 * The network and protection side of a proposal: which traffic the instance
 * accepts and sends (its security group, both ways), how data is protected at
 * rest and in transit, and how the instance metadata service is reached. It
 * comes from the persona and the compliance regimes, is shown in every
 * proposal and is what provisioning applies.
 */
export interface Firewall {
  ingress: NetworkRule[];
  egress: NetworkRule[];
}

export interface Protection {
  firewall: Firewall;
  /** Where TLS ends for roles that serve traffic; "none" for roles that only call out. */
  inTransit: 'tls-on-instance' | 'none';
  /** The metadata service answers only session-token (IMDSv2) requests, one network hop away. */
  metadata: { httpTokens: 'required'; hopLimit: 1 };
}

/** Ports that administer a host: SSH, telnet, RDP, WinRM, VNC. */
export const ADMIN_PORTS: Record<number, string> = {
  22: 'SSH',
  23: 'telnet',
  3389: 'RDP',
  5985: 'WinRM',
  5986: 'WinRM over TLS',
  5900: 'VNC',
};

/** Regimes under which no administrative port may be reachable from the internet. */
export const CLOSED_ADMIN_COMPLIANCE: readonly Compliance[] = ['pci-dss', 'hipaa'];

/** Roles that answer requests from others, and so terminate TLS. */
const SERVING: readonly Role[] = ['web-server', 'database', 'cache', 'message-queue'];

const PRIVATE_RANGES: [number, number][] = [
  [ipv4('10.0.0.0'), 8],
  [ipv4('172.16.0.0'), 12],
  [ipv4('192.168.0.0'), 16],
  [ipv4('100.64.0.0'), 10],
  [ipv4('127.0.0.0'), 8],
];

function ipv4(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** A CIDR's first address and prefix, or a sentence on what is wrong with it. */
export function parseCidr(cidr: string): { base: number; prefix: number } | string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return `${cidr} is not an IPv4 CIDR such as 10.0.0.0/16`;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return `${cidr}: an address octet is over 255`;
  if (prefix > 32) return `${cidr}: the prefix length is over 32`;
  return { base: ipv4(octets.join('.')), prefix };
}

const within = (base: number, prefix: number, [rangeBase, rangePrefix]: [number, number]) => {
  if (prefix < rangePrefix) return false;
  const size = 2 ** (32 - rangePrefix);
  return Math.floor(base / size) === Math.floor(rangeBase / size);
};

/**
 * Reachable from the internet: any range not inside a private one that is
 * wider than a /24 (a /24 or narrower names an office or a bastion; wider is
 * the world, a cloud or an ISP).
 */
export function isWorldOpen(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  if (typeof parsed === 'string') return true;
  if (PRIVATE_RANGES.some((r) => within(parsed.base, parsed.prefix, r))) return false;
  return parsed.prefix < 24;
}

/** The administrative services a rule lets in: all of them for protocol "all", the one on its port otherwise. */
export function adminServicesOf(rule: NetworkRule): string[] {
  if (rule.protocol === 'all') return [...new Set(Object.values(ADMIN_PORTS))];
  const name = ADMIN_PORTS[rule.port];
  // RDP also runs over UDP 3389; the other administrative protocols are TCP only.
  return name && (rule.protocol === 'tcp' || rule.port === 3389) ? [name] : [];
}

export interface FirewallViolation {
  regime: Compliance;
  rule: NetworkRule;
  direction: 'ingress';
  services: string[];
  message: string;
}

/** Every ingress rule a regime forbids: an administrative port reachable from the internet under PCI DSS or HIPAA. */
export function firewallViolations(firewall: Firewall, compliance: readonly Compliance[]): FirewallViolation[] {
  const regimes = compliance.filter((c) => CLOSED_ADMIN_COMPLIANCE.includes(c));
  return regimes.flatMap((regime) =>
    firewall.ingress.flatMap((rule, i) => {
      const services = adminServicesOf(rule);
      if (!services.length || !isWorldOpen(rule.cidr)) return [];
      const what = rule.protocol === 'all' ? 'all ports' : `${rule.protocol} ${rule.port} (${services.join(', ')})`;
      return [
        {
          regime,
          rule,
          direction: 'ingress' as const,
          services,
          message: `ingress.${i}: ${what} open to ${rule.cidr} exposes an administrative port to the internet, which ${regime} forbids; allow it from your admin network or a bastion (a private range, or a /24 or narrower) or drop it and use a session manager`,
        },
      ];
    }),
  );
}

/** What a proposal for this role and persona protects, and how. */
export function protectionOf(role: Role, firewall: Firewall): Protection {
  return {
    firewall: { ingress: firewall.ingress.map((r) => ({ ...r })), egress: firewall.egress.map((r) => ({ ...r })) },
    inTransit: SERVING.includes(role) ? 'tls-on-instance' : 'none',
    metadata: { httpTokens: 'required', hopLimit: 1 },
  };
}

const ruleText = (r: NetworkRule) => `${r.protocol === 'all' ? 'all traffic' : `${r.protocol} ${r.port}`} ${r.cidr}`;

/** The firewall in one sentence for a proposal's reasons. */
export function describeFirewall(f: Firewall): string {
  const side = (rules: NetworkRule[]) => (rules.length ? rules.map(ruleText).join(', ') : 'none');
  return `firewall: in ${side(f.ingress)}; out ${side(f.egress)}`;
}
