import { randomUUID } from 'node:crypto';
import { verifyActorChain, type ActorRecord } from '../../../src/security/actor-chain';
import { generateKeyPair, type KeyPair } from '../../../src/security/keys';
import type { Role } from '../../../src/security/roles';
import { createSignedRequest } from '../../../src/security/signed-request';

const root = generateKeyPair();
const alice = generateKeyPair();
const bob = generateKeyPair();
const mallory = generateKeyPair();

/** The row a worker writes for a role grant signed by `by`. */
function granted(to: KeyPair, role: Role, by: KeyPair, name?: string): ActorRecord {
  const payload = { operation: 'role.grant', publicKeyPem: to.publicKeyPem, role, ...(name ? { name } : {}) };
  const request = createSignedRequest('role.grant', payload, by.privateKeyPem, { now: new Date(), nonce: randomUUID() });
  return { keyId: to.keyId, publicKeyPem: to.publicKeyPem, role, name, grantedBy: by.keyId, grant: { request, payload } };
}

const believed = (rows: ActorRecord[]) => [...verifyActorChain(rows, [root.publicKeyPem]).trusted.keys()].sort();

describe('the actor chain to the root keys', () => {
  it('believes the root keys and grants that chain to them, however the rows are ordered', () => {
    const rows = [granted(bob, 'operator', alice), granted(alice, 'admin', root, 'alice')];
    expect(believed(rows)).toEqual([root.keyId, alice.keyId, bob.keyId].sort());
    expect(verifyActorChain(rows, [root.publicKeyPem]).trusted.get(root.keyId)).toMatchObject({ role: 'admin', root: true });
  });

  it('refuses a row without a grant, a self-signed grant and grants in a cycle', () => {
    const planted: ActorRecord = { keyId: mallory.keyId, publicKeyPem: mallory.publicKeyPem, role: 'admin', grantedBy: root.keyId };
    const chain = verifyActorChain([planted], [root.publicKeyPem]);
    expect(chain.refused).toEqual([{ keyId: mallory.keyId, reason: expect.stringMatching(/no signed role grant/) }]);
    expect(believed([granted(mallory, 'admin', mallory)])).toEqual([root.keyId]);
    expect(believed([granted(alice, 'admin', bob), granted(bob, 'admin', alice)])).toEqual([root.keyId]);
  });

  it('refuses a row edited after its grant: another role, another key, another signer named', () => {
    const row = granted(alice, 'viewer', root);
    expect(believed([{ ...row, role: 'admin' }])).toEqual([root.keyId]);
    expect(believed([{ ...row, publicKeyPem: mallory.publicKeyPem }])).toEqual([root.keyId]);
    expect(believed([{ ...row, grantedBy: bob.keyId }])).toEqual([root.keyId]);
    expect(believed([{ ...row, name: 'someone else' }])).toEqual([root.keyId]);
    expect(believed([row])).toEqual([root.keyId, alice.keyId].sort());
  });

  it('refuses grants signed by an actor whose role may not grant, and what a downgraded admin granted', () => {
    expect(believed([granted(alice, 'operator', root), granted(bob, 'admin', alice)])).toEqual([root.keyId, alice.keyId].sort());
    // alice was an admin when she granted bob; a root key has since made her a viewer.
    const rows = [granted(bob, 'operator', alice), granted(alice, 'viewer', root)];
    expect(verifyActorChain(rows, [root.publicKeyPem]).refused.map((r) => r.keyId)).toEqual([bob.keyId]);
  });

  it('believes nothing but the roots when no root key is configured', () => {
    expect(verifyActorChain([granted(alice, 'admin', root)], []).trusted.size).toBe(0);
  });
});
