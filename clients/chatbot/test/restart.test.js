// The bridge resumes after a restart from the revision in its state file:
// what happened while it was down is posted or edited once, and nothing
// posted before is posted again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { MopsClient } from '../src/mops.js';
import { clickPayload, sendInteraction } from './helpers/bridge.js';
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

test('a restart resumes from the stored revision and posts nothing twice', async () => {
  const first = await requestApproval(world.carol, 'Before the restart');
  const firstPosts = await world.posts(first.name, 2);
  const legal = firstPosts.find((p) => p.args.channel === 'CDEFAULT');

  assert.equal(await world.bridge.stop(), 0, 'clean exit on SIGTERM');
  const saved = JSON.parse(fs.readFileSync(path.join(world.dir, 'state.json'), 'utf8'));
  assert.match(saved.revision, /^\d+$/);
  assert.deepEqual(saved.approvals[first.name].messages.map((m) => m.ts).sort(), firstPosts.map((p) => p.reply.ts).sort());

  // While the bridge is down: a new approval, and a decision on the old one
  // (ann decides through the bot directly, as another tool would).
  const second = await requestApproval(world.carol, 'During the restart');
  const asAnn = new MopsClient({ server: world.mopsd.address, token: world.botToken });
  await asAnn.decide({ name: first.name, outcome: 'APPROVE', requestId: 'while-down', onBehalfOf: 'users/ann' });
  asAnn.close();

  await world.restartBridge();
  const secondPosts = await world.posts(second.name, 2);
  // The old approval's messages are edited where they were posted.
  await world.slack.waitFor('chat.update', (a) => a.ts === legal.reply.ts && JSON.stringify(a.blocks).includes(`<@${SLACK_IDS.ann}> approved`));
  await sleep(500);
  assert.equal(world.slack.find('chat.postMessage', (a) => !a.thread_ts && JSON.stringify(a.blocks).includes(first.name)).length, 2);
  assert.equal(world.slack.find('chat.postMessage', (a) => !a.thread_ts && JSON.stringify(a.blocks).includes(second.name)).length, 2);
  assert.ok(secondPosts.every((p) => p.reply.ts !== legal.reply.ts));

  // A click on a message posted before the restart still decides, and the
  // update lands on that message.
  await sendInteraction(world.bridge, clickPayload({ post: legal, user: SLACK_IDS.bob, actionId: 'mops_approve' }));
  await waitFor(async () => (await getApproval(world.mopsd, first.name)).state === 'APPROVED', 10_000, 'approved');
  await world.slack.waitFor('chat.update', (a) => a.ts === legal.reply.ts && JSON.stringify(a.blocks).includes('Approved'));
  // A finished approval is dropped from the state file; the open one stays.
  await waitFor(() => {
    const state = JSON.parse(fs.readFileSync(path.join(world.dir, 'state.json'), 'utf8'));
    return !state.approvals[first.name] && state.approvals[second.name];
  }, 5_000, 'state file to drop the finished approval');
});

test('the watch reconnects when mopsd restarts (UNAVAILABLE)', async () => {
  await world.mopsd.restart();
  const approval = await requestApproval(world.carol, 'After a server restart');
  await world.posts(approval.name, 2);
  assert.ok(world.bridge.logLines('watch ended (14').length >= 1, world.bridge.log());
});

test('a revision past the head resumes where mopsd says (OUT_OF_RANGE)', async () => {
  await world.bridge.stop();
  const file = path.join(world.dir, 'state.json');
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  // As if mopsd's data had been restored from an older backup.
  fs.writeFileSync(file, JSON.stringify({ ...state, revision: '999999999' }));
  await world.restartBridge();
  assert.equal(world.bridge.logLines('watch out of range').length, 1, world.bridge.log());
  const approval = await requestApproval(world.carol, 'After out of range');
  await world.posts(approval.name, 2);
});

test('during a Slack outage the approval waits, then is posted once', async () => {
  // More failures than the Slack client retries: the event is handled again
  // from the stored revision after the watch's pause.
  world.slack.failNext('chat.postMessage', 6);
  const approval = await requestApproval(world.carol, 'Slack was down', [{ team: 'teams/finance' }]);
  await world.posts(approval.name, 1, 20_000);
  assert.ok(world.bridge.logLines('watch ended').some((l) => /HTTP|500|status code/i.test(l)), world.bridge.log());
  await sleep(500);
  assert.equal(world.slack.find('chat.postMessage', (a) => JSON.stringify(a.blocks ?? []).includes(approval.name)).length, 1);
});
