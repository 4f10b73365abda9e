// Only signed, fresh POSTs decide: a stale or wrong signature, a request
// without one and a GET are refused and change nothing in mopsd.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clickPayload, sendInteraction, sign } from './helpers/bridge.js';
import { SLACK_IDS, getApproval, requestApproval } from './helpers/mopsd.js';
import { sleep, waitFor } from './helpers/wait.js';
import { startWorld } from './helpers/world.js';

let world;
before(async () => {
  world = await startWorld();
});
after(async () => {
  await world?.stop();
});

test('stale, forged and unsigned requests and GETs decide nothing', async () => {
  const approval = await requestApproval(world.carol, 'Signed only', [{ team: 'teams/finance' }]);
  const [post] = await world.posts(approval.name);
  const click = clickPayload({ post, user: SLACK_IDS.ann, actionId: 'mops_approve' });
  const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;

  // Correctly signed, but with a timestamp older than 5 minutes: a replay.
  assert.equal(await sendInteraction(world.bridge, click, { signing: { timestamp: sixMinutesAgo } }), 401);
  // Signed with another secret.
  assert.equal(await sendInteraction(world.bridge, click, { signing: { secret: 'not-the-secret' } }), 401);
  // A valid signature of another body.
  const other = sign('payload=%7B%7D');
  assert.equal(await sendInteraction(world.bridge, click, { headers: other }), 401);
  // No signature at all.
  const body = `payload=${encodeURIComponent(JSON.stringify(click))}`;
  const unsigned = await fetch(`${world.bridge.base}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  assert.equal(unsigned.status, 401);
  // A GET, as a link preview or a crawler would send, even signed.
  const get = await fetch(`${world.bridge.base}/slack/events?${body}`, { headers: sign('') });
  assert.equal(get.status, 404);

  await sleep(500);
  const untouched = await getApproval(world.mopsd, approval.name);
  assert.equal(untouched.state, 'PENDING');
  assert.equal(untouched.decisions.length, 0);
  assert.equal(world.bridge.logLines('decided').length, 0);
  assert.equal(world.slack.find('chat.postEphemeral').length, 0);

  // The same click, properly signed, does decide: the refusals above were
  // about the requests, not the click.
  assert.equal(await sendInteraction(world.bridge, click), 200);
  const approved = await waitFor(async () => {
    const a = await getApproval(world.mopsd, approval.name);
    return a.state === 'APPROVED' ? a : null;
  }, 10_000, 'approval');
  assert.equal(approved.decisions.length, 1);
});
