/**
 * An SFU that lies about whose media is whose (issue 12, "stream binding"): a hostile SFU
 * swaps two feeds on Carol's subscription (Janus' own `switch`, fixtures/hostile-sfu.ts)
 * while telling her page nothing changed. No tile may show the wrong person's camera.
 */
import { test, expect, expectEveryoneDecrypting } from '../../fixtures/meeting';
import { colourOnSwappedMid, relabelJanusFeeds, swapAnswer, swapVideoFeeds, swappedMids } from '../../fixtures/hostile-sfu';
import { colourShown } from '../../fixtures/painted-camera';
import { expectOnlyOwnCameras, threePeople } from '../../fixtures/relabel';

test('an SFU that swaps two feeds shows nobody the wrong camera', async ({ newParticipant }, testInfo) => {
  test.setTimeout(150_000);
  const [alice, bob, carol] = await threePeople(newParticipant, async (person) => {
    if (person.name === 'Carol') await relabelJanusFeeds(person.context);
  });
  const invite = await alice.createMeeting();
  for (const person of [alice, bob, carol]) await person.join(invite);
  await expectEveryoneDecrypting([alice, bob, carol]);
  await expect.poll(() => colourShown(carol, 'Alice')).toBe('red');
  await expect.poll(() => colourShown(carol, 'Bob')).toBe('green');

  // Participants are numbered in join order (Alice 1, Bob 2); Janus shows that number as display.
  await expect.poll(() => swapVideoFeeds(carol.page, 1, 2), { message: 'the page knows both feeds' }).toBe(true);
  await expect.poll(() => swapAnswer(carol.page), { message: 'Janus answered the switch' }).not.toBeNull();
  const answer = (await swapAnswer(carol.page)) as any;
  expect(answer?.plugindata?.data?.error, JSON.stringify(answer)).toBeUndefined();
  // Janus itself says the m-line it had called Alice's now carries Bob's feed, and back.
  const mids = (await swappedMids(carol.page))!;
  const streams = (answer?.plugindata?.data?.streams ?? []) as { mid: string; feed_id?: number }[];
  expect(streams.find((stream) => stream.mid === mids.a)?.feed_id, JSON.stringify(answer)).toBe(mids.feedB);
  expect(streams.find((stream) => stream.mid === mids.b)?.feed_id, JSON.stringify(answer)).toBe(mids.feedA);

  // Janus moves a subscription to its new source at that source's next keyframe: watch long.
  await expectOnlyOwnCameras(
    [
      [carol, 'Alice'],
      [carol, 'Bob'],
      [alice, 'Bob'],
    ],
    25_000,
  );
  // For the report: what the crossed m-line carried at the end, seen on Carol's own receiver
  // (Bob's camera if her page lets his frames through it, nothing or a frozen picture if not).
  const onSwappedMid = await colourOnSwappedMid(carol.page, 'a');
  testInfo.annotations.push({ type: 'swapped m-line shows', description: onSwappedMid });
  console.log(`the m-line Janus had called Alice's shows: ${onSwappedMid}`);
});
