/**
 * Roles (issue 13): a chair makes a member co-chair; every client shows the same chairs
 * (the policy lives in the group state). When the chair leaves, the co-chair remains the
 * chair; when the last chair leaves, the member with the lowest leaf among those present
 * (the longest-present one) becomes chair and gets the chair's controls.
 */
import { test, expect } from '../fixtures/meeting';

test('the co-chair carries on when the chair leaves, and the longest present member after the last chair', async ({
  meeting,
}) => {
  const [alice, bob, carol] = await meeting(['Alice', 'Bob', 'Carol'], { whoCanJoin: 'People the chair admits' });
  for (const viewer of [alice, bob, carol]) expect(await viewer.chairNames()).toEqual(['Alice']);

  await alice.makeCoChair('Carol');
  for (const viewer of [alice, bob, carol]) await expect.poll(() => viewer.chairNames()).toEqual(['Alice', 'Carol']);
  await expect(carol.chairControls()).toBeVisible();
  await expect(alice.rosterMember('Carol').getByRole('button', { name: 'Remove co-chair for Carol' })).toBeVisible();

  // The chair leaves: Carol, co-chair, is the chair now.
  await alice.page.getByRole('button', { name: 'Leave' }).click();
  for (const viewer of [bob, carol]) {
    await expect(viewer.roster()).toHaveCount(2);
    await expect.poll(() => viewer.chairNames()).toEqual(['Carol']);
  }
  await expect(bob.chairControls()).toHaveCount(0);

  // The last chair leaves: Bob, the one left, becomes chair.
  await carol.page.getByRole('button', { name: 'Leave' }).click();
  await expect(bob.roster()).toHaveCount(1);
  await expect.poll(() => bob.chairNames()).toEqual(['Bob']);
  await expect(bob.chairControls()).toBeVisible();
});
