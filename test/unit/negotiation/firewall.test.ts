import fc from 'fast-check';
import { profileFromStructured } from '../../../src/negotiation/capacity';
import { adminServicesOf, firewallViolations, isWorldOpen, parseCidr, protectionOf } from '../../../src/negotiation/firewall';
import { parsePersona, type Compliance, type NetworkRule } from '../../../src/negotiation/persona';
import { solve, type Requirements } from '../../../src/negotiation/solver';
import { BUILTIN_PERSONAS } from '../../../src/negotiation/builtin-personas';

const requirements = (ingress: NetworkRule[], compliance: Compliance[], egress: NetworkRule[] = []): Requirements => ({
  profile: profileFromStructured({ role: 'web-server', requestsPerSecond: 100, datasetGb: 20 }),
  headroom: 1.3,
  compliance,
  cost: { maxHourlyUsd: 5, maxMonthlyUsd: 3000 },
  region: 'eu-central-1',
  constraints: [],
  protection: protectionOf('web-server', { ingress, egress }),
});

const rule = (protocol: NetworkRule['protocol'], port: number, cidr: string): NetworkRule => ({ protocol, port, cidr });

describe('firewall rules of a proposal', () => {
  it('counts as open to the internet what a person trying to slip SSH past the check would write', () => {
    for (const cidr of ['0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/1', '8.0.0.0/7', '10.0.0.0/7', '52.0.0.0/8', '203.0.0.0/16'])
      expect([cidr, isWorldOpen(cidr)]).toEqual([cidr, true]);
    for (const cidr of ['10.0.0.0/8', '10.20.0.0/16', '172.16.0.0/12', '192.168.1.0/24', '203.0.113.0/24', '198.51.100.7/32'])
      expect([cidr, isWorldOpen(cidr)]).toEqual([cidr, false]);
    expect(adminServicesOf(rule('all', 0, '0.0.0.0/0'))).toEqual(expect.arrayContaining(['SSH', 'RDP']));
    expect(adminServicesOf(rule('udp', 3389, '0.0.0.0/0'))).toEqual(['RDP']);
    expect(adminServicesOf(rule('udp', 22, '0.0.0.0/0'))).toEqual([]);
    expect(adminServicesOf(rule('tcp', 443, '0.0.0.0/0'))).toEqual([]);
    expect(parseCidr('300.1.1.1/8')).toMatch(/octet is over 255/);
    expect(parseCidr('10.0.0.0/33')).toMatch(/prefix length is over 32/);
  });

  it('refuses a persona whose rules are not IPv4 CIDRs, naming the rule', () => {
    const payments = BUILTIN_PERSONAS.find((p) => p.name === 'payments-api')!;
    const bad = { ...payments, security: { ...payments.security, ingress: [rule('tcp', 443, '999.0.0.0/8')] } };
    expect(() => parsePersona(bad)).toThrow(/security\.ingress\.0\.cidr: expected an IPv4 CIDR .*octet is over 255/);
  });

  it('never offers a PCI DSS or HIPAA proposal that opens an administrative port to the internet (property)', () => {
    const cidr = fc.oneof(
      fc.constantFrom('0.0.0.0/0', '0.0.0.0/1', '10.0.0.0/8', '192.168.0.0/16', '203.0.113.0/24', '52.0.0.0/8'),
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 32 }))
        .map(([a, b, p]) => `${a}.${b}.0.0/${p}`),
    );
    const rules = fc.array(
      fc.record({
        protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'all' as const),
        port: fc.oneof(fc.constantFrom(0, 22, 23, 80, 443, 3389, 5432, 5985), fc.integer({ min: 0, max: 65535 })),
        cidr,
      }),
      { maxLength: 5 },
    );
    const regimes = fc.subarray(['pci-dss', 'hipaa', 'sox', 'gdpr'] as Compliance[], { minLength: 1 });
    fc.assert(
      fc.property(rules, regimes, fc.boolean(), (ingress, compliance, asConstraint) => {
        // The regime comes with the persona or is added by a person during the negotiation: the check is the same.
        const req = asConstraint
          ? { ...requirements(ingress, []), constraints: compliance.map((regime) => ({ kind: 'compliance' as const, regime })) }
          : requirements(ingress, compliance);
        const result = solve(req);
        const strict = compliance.some((c) => c === 'pci-dss' || c === 'hipaa');
        const exposed = ingress.some((r) => adminServicesOf(r).length > 0 && isWorldOpen(r.cidr));
        if (strict && exposed) {
          expect(result.ok).toBe(false);
          if (!result.ok) {
            expect(result.conflict.constraints.some((c) => /administrative port to the internet/.test(c.label))).toBe(true);
            // Not even as a relaxation.
            expect(result.conflict.relaxations).toEqual([]);
          }
          return;
        }
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        for (const p of result.proposals) {
          expect(p.protection!.firewall.ingress).toEqual(ingress);
          if (strict) expect(firewallViolations(p.protection!.firewall, ['pci-dss', 'hipaa'])).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('shows the firewall both ways, TLS and IMDSv2 in every proposal', () => {
    const result = solve(
      requirements([rule('tcp', 443, '0.0.0.0/0')], ['pci-dss'], [rule('tcp', 443, '0.0.0.0/0'), rule('udp', 53, '10.0.0.2/32')]),
    );
    if (!result.ok) throw new Error('expected proposals');
    for (const p of result.proposals) {
      expect(p.protection).toEqual({
        firewall: { ingress: [rule('tcp', 443, '0.0.0.0/0')], egress: [rule('tcp', 443, '0.0.0.0/0'), rule('udp', 53, '10.0.0.2/32')] },
        inTransit: 'tls-on-instance',
        metadata: { httpTokens: 'required', hopLimit: 1 },
      });
      expect(p.reasons.join('\n')).toMatch(
        /firewall: in tcp 443 0\.0\.0\.0\/0; out tcp 443 0\.0\.0\.0\/0, udp 53 10\.0\.0\.2\/32; IMDSv2 required; TLS terminated on the instance/,
      );
      expect(p.security.encryption).toBe('kms');
    }
    expect(protectionOf('batch-worker', { ingress: [], egress: [] }).inTransit).toBe('none');
  });
});
