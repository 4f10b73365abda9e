// Deciding from Slack against a real mopsd: two people approve a two-group
// approval, refused clicks, double clicks and retries, the comment modal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clickPayload, sendInteraction, submitPayload } from './helpers/bridge.js';
import { SLACK_IDS, getApproval, requestApproval } from './helpers/mopsd.js';
import { waitFor } from './helpers/wait.js';
import { startWorld } from './helpers/world.js';

let world;
before(async () => {
  world = await startWorld();
});
after(async () => {
  await world?.stop();
});

const hasButtons = (args) => (args.blocks ?? []).some((b) => b.type === 'actions');
const contextText = (args) => JSON.stringify(args.blocks ?? []);

async function waitForState(name, state) {
  return waitFor(async () => {
    const a = await getApproval(world.mopsd, name);
    return a.state === state ? a : null;
  }, 10_000, `${name} to be ${state}`);
}

test('two chat users approve a two-group approval; the messages are updated', async () => {
  const approval = await requestApproval(world.carol, 'Q3 banner');
  const posts = await world.posts(approval.name, 2);
  // finance has its own channel; legal falls back to the default one.
  assert.deepEqual(posts.map((p) => p.args.channel).sort(), ['CDEFAULT', 'CFINANCE']);
  assert.ok(posts.every((p) => hasButtons(p.args)));
  const finance = posts.find((p) => p.args.channel === 'CFINANCE');
  const legal = posts.find((p) => p.args.channel === 'CDEFAULT');

  assert.equal(await sendInteraction(world.bridge, clickPayload({ post: finance, user: SLACK_IDS.ann, actionId: 'mops_approve' })), 200);
  // The first decision shows in both messages, which still have buttons.
  await world.slack.waitFor('chat.update', (a) => a.ts === legal.reply.ts && contextText(a).includes(`<@${SLACK_IDS.ann}> approved`) && hasButtons(a));

  assert.equal(await sendInteraction(world.bridge, clickPayload({ post: legal, user: SLACK_IDS.bob, actionId: 'mops_approve' })), 200);
  const done = await waitForState(approval.name, 'APPROVED');
  assert.deepEqual(done.decisions.map((d) => [d.approver, d.outcome, d.via]), [
    ['users/ann', 'APPROVE', 'users/chatbot'],
    ['users/bob', 'APPROVE', 'users/chatbot'],
  ]);
  for (const post of posts) {
    const updates = await world.slack.waitFor('chat.update', (a) => a.ts === post.reply.ts && !hasButtons(a));
    assert.equal(updates[0].args.channel, post.args.channel);
    assert.match(contextText(updates[0].args), /Approved/);
  }
  assert.equal(world.slack.find('chat.postEphemeral').length, 0);
});

test('a click by someone who may not decide gets an ephemeral refusal and changes nothing', async () => {
  const approval = await requestApproval(world.carol, 'Refusals', [{ team: 'teams/finance' }]);
  const [post] = await world.posts(approval.name);
  const cases = [
    // [Slack user, what the refusal must say]
    ['UNOBODY99', /not linked to a mops user.*--chat-handle UNOBODY99/],
    [SLACK_IDS.dave, /may not decide/], // linked and granted, not an approver
    [SLACK_IDS.frank, /has no grant to act on behalf of users\/frank/], // approver, no grant
  ];
  for (const [user, reason] of cases) {
    assert.equal(await sendInteraction(world.bridge, clickPayload({ post, user, actionId: 'mops_approve' })), 200);
    const [refusal] = await world.slack.waitFor('chat.postEphemeral', (a) => a.user === user);
    assert.equal(refusal.args.channel, 'CFINANCE');
    assert.match(refusal.args.text, reason);
  }
  // Reject needs a comment; an unlinked person is refused before any modal.
  await sendInteraction(world.bridge, clickPayload({ post, user: 'UNOBODY98', actionId: 'mops_reject' }));
  await world.slack.waitFor('chat.postEphemeral', (a) => a.user === 'UNOBODY98');
  assert.equal(world.slack.find('views.open').filter((c) => c.args.view.private_metadata.includes(approval.name)).length, 0);

  const unchanged = await getApproval(world.mopsd, approval.name);
  assert.equal(unchanged.state, 'PENDING');
  assert.equal(unchanged.decisions.length, 0);
});

test('a double click and a Slack retry make exactly one decision', async () => {
  const approval = await requestApproval(world.carol, 'Double click');
  const [finance] = await world.posts(approval.name, 2).then((ps) => ps.filter((p) => p.args.channel === 'CFINANCE'));
  const click = clickPayload({ post: finance, user: SLACK_IDS.ann, actionId: 'mops_approve' });
  // A second click: a new interaction, with its own trigger_id and action_ts.
  const secondClick = clickPayload({ post: finance, user: SLACK_IDS.ann, actionId: 'mops_approve' });
  assert.notEqual(click.trigger_id, secondClick.trigger_id);
  const statuses = await Promise.all([
    sendInteraction(world.bridge, click),
    sendInteraction(world.bridge, secondClick),
    sendInteraction(world.bridge, click, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }),
  ]);
  assert.deepEqual(statuses, [200, 200, 200]);
  // All three got mopsd's answer to the first (same request_id), so none
  // was refused as "already decided".
  await waitFor(() => world.bridge.logLines(`decided APPROVE on ${approval.name} round 1`).length === 3, 10_000, 'three answers');
  const ids = new Set(world.bridge.logLines(`on ${approval.name} round 1`).map((l) => l.match(/\((slack-[0-9a-f]+)\)/)[1]));
  assert.equal(ids.size, 1);
  assert.equal(world.slack.find('chat.postEphemeral', (a) => a.user === SLACK_IDS.ann).length, 0);

  const a = await getApproval(world.mopsd, approval.name);
  assert.equal(a.state, 'PENDING'); // legal has not decided
  assert.deepEqual(a.decisions.map((d) => [d.approver, d.outcome]), [['users/ann', 'APPROVE']]);
  const events = await world.mopsd.admin.call('events', 'ListEvents', {
    filter: { types: ['approval.decided'], subjects: [approval.name] },
    page_size: 100,
  });
  assert.equal(events.events.length, 1);
});

test('reject and request changes ask for a comment in a modal', async () => {
  const approval = await requestApproval(world.carol, 'Modal');
  const posts = await world.posts(approval.name, 2);
  const finance = posts.find((p) => p.args.channel === 'CFINANCE');
  const legal = posts.find((p) => p.args.channel === 'CDEFAULT');

  // Request changes: a modal, then the decision with its comment.
  await sendInteraction(world.bridge, clickPayload({ post: finance, user: SLACK_IDS.ann, actionId: 'mops_request_changes' }));
  const [open] = await world.slack.waitFor('views.open', (a) => a.view.private_metadata.includes(approval.name));
  assert.ok(open.args.trigger_id);
  assert.equal(open.args.view.callback_id, 'mops_comment');
  assert.equal(
    await sendInteraction(world.bridge, submitPayload({ view: open.args.view, user: SLACK_IDS.ann, comment: 'Use the new logo' })),
    200,
  );
  let a = await waitForState(approval.name, 'CHANGES_REQUESTED');
  assert.deepEqual(a.decisions.map((d) => [d.approver, d.outcome, d.comment]), [['users/ann', 'REQUEST_CHANGES', 'Use the new logo']]);
  await world.slack.waitFor('chat.update', (x) => x.ts === finance.reply.ts && !hasButtons(x) && contextText(x).includes('Changes requested'));

  // The requester resubmits: the same messages show round 2 with buttons,
  // and the thread says so.
  await world.carol.call('approvals', 'ResubmitApproval', { name: approval.name, comment: 'New logo', asset_version: 'v2' });
  const [round2] = await world.slack.waitFor('chat.update', (x) => x.ts === legal.reply.ts && hasButtons(x) && contextText(x).includes('round 2'));
  await world.slack.waitFor('chat.postMessage', (x) => x.thread_ts === legal.reply.ts && /resubmitted/.test(x.text));

  // A click on the round-1 message no longer decides.
  await sendInteraction(world.bridge, clickPayload({ post: legal, user: SLACK_IDS.bob, actionId: 'mops_approve' }));
  const [stale] = await world.slack.waitFor('chat.postEphemeral', (x) => x.user === SLACK_IDS.bob && /round 2/.test(x.text));
  assert.match(stale.args.text, /showed round 1/);

  // Reject in round 2, from the updated message.
  const legal2 = { args: { ...round2.args, channel: 'CDEFAULT' }, reply: legal.reply };
  await sendInteraction(world.bridge, clickPayload({ post: legal2, user: SLACK_IDS.bob, actionId: 'mops_reject' }));
  const [open2] = await world.slack.waitFor('views.open', (x) => x.view.private_metadata.includes(approval.name) && x.view.private_metadata.includes('REJECT'));
  await sendInteraction(world.bridge, submitPayload({ view: open2.args.view, user: SLACK_IDS.bob, comment: 'Off brand' }));
  a = await waitForState(approval.name, 'REJECTED');
  assert.deepEqual(a.decisions.at(-1).comment, 'Off brand');
  assert.equal(a.decisions.at(-1).round, 2);
  // A second form of the same double click, with another comment: told
  // that the first answer counts; nothing more is recorded.
  await sendInteraction(world.bridge, submitPayload({ view: open2.args.view, user: SLACK_IDS.bob, comment: 'Also the font' }));
  await world.slack.waitFor('chat.postEphemeral', (x) => x.user === SLACK_IDS.bob && /first answer counts/.test(x.text));
  assert.equal((await getApproval(world.mopsd, approval.name)).decisions.length, a.decisions.length);
  await world.slack.waitFor('chat.update', (x) => x.ts === finance.reply.ts && !hasButtons(x) && contextText(x).includes('Rejected'));
});
