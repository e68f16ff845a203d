/**
 * Mesh mode only (Janus offers its own SDP): the signaling server relays every offer and answer, and with them the DTLS
 * fingerprints that tie a peer connection to the browser at the other end. Here the
 * server's side of Bob's WebSocket (rewritten in flight, as a hostile server would) swaps
 * the fingerprint in Alice's offer for one of its own. Bob must see that the offer is not
 * signed by Alice's key in the meeting, refuse it (no answer, no connection), and say so;
 * an unchanged offer from Alice is answered as usual (the first test).
 */
import { words } from '../../fixtures/catalogue';
import { test, expect, type Participant } from '../../fixtures/meeting';

/** One signaling message as JSON (conclave-protocol's ClientMessage or ServerMessage). */
type Message = { type?: string; payload?: { kind?: string; sdp?: string } };

/** Swaps the first byte of every DTLS fingerprint for another value. */
function withAnotherFingerprint(sdp: string): string {
  return sdp.replace(/^(a=fingerprint:sha-256 )([0-9A-F]{2})/gim, (_, prefix: string, byte: string) =>
    `${prefix}${byte.toUpperCase() === 'AA' ? 'BB' : 'AA'}`,
  );
}

/**
 * Puts a relay between `person`'s page and the server that passes everything on, except that
 * `rewriteOffer` may change the SDP of each offer on its way to the page. Returns the kinds of
 * the signal payloads the page sent.
 */
async function relaySignaling(person: Participant, rewriteOffer: (sdp: string) => string): Promise<string[]> {
  const sentKinds: string[] = [];
  await person.page.routeWebSocket(/\/ws\//, (page) => {
    const server = page.connectToServer();
    page.onMessage((text) => {
      const message: Message = JSON.parse(String(text));
      if (message.type === 'signal' && message.payload?.kind) sentKinds.push(message.payload.kind);
      server.send(text);
    });
    server.onMessage((text) => {
      const message: Message = JSON.parse(String(text));
      if (message.type === 'signal' && message.payload?.kind === 'offer' && message.payload.sdp) {
        message.payload.sdp = rewriteOffer(message.payload.sdp);
        page.send(JSON.stringify(message));
        return;
      }
      page.send(text);
    });
  });
  return sentKinds;
}

test('an offer relayed unchanged is answered', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const sentByBob = await relaySignaling(bob, (sdp) => sdp);
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
  expect(sentByBob).toContain('answer');
});

test('an offer whose DTLS fingerprint the server swapped is refused, and Bob is told', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const sentByBob = await relaySignaling(bob, withAnotherFingerprint);
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);

  await expect(bob.roster()).toHaveCount(2);
  const refused = bob.page
    .getByRole('alert')
    .filter({ hasText: words('en', 'meeting-problem-peer-refused', { name: 'Alice' }) });
  await expect(refused).toBeVisible();
  // What the check found is the technical detail: folded away, in English.
  const detail = refused.locator('details');
  await expect(detail.locator('summary')).toHaveText(words('en', 'technical-details'));
  await expect(detail.locator('code[lang="en"]')).toContainText('not signed by the sender');
  // Bob answered nothing, so no peer connection of his ever got a remote description.
  expect(sentByBob).not.toContain('answer');
  const descriptions = await bob.sessionDescriptions();
  expect(descriptions.filter((description) => description.remote !== '')).toHaveLength(0);
  await expect(alice.tileStatus('Bob')).not.toHaveText('Decrypting');
});
