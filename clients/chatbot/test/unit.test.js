// The pure parts: the decision key and where approvals are posted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decisionRequestId } from '../src/decider.js';
import { channelsFor } from '../src/routing.js';

test('the decision key is shared by repeats of one intent and by nothing else', () => {
  const click = { team: 'T1', slackUser: 'U1', approval: 'approvals/a', round: 1, outcome: 'APPROVE' };
  const key = decisionRequestId(click);
  assert.equal(decisionRequestId({ ...click }), key);
  assert.ok(key.length <= 128, 'request_id holds at most 128 bytes');
  for (const change of [{ slackUser: 'U2' }, { round: 2 }, { outcome: 'REJECT' }, { approval: 'approvals/b' }, { team: 'T2' }]) {
    assert.notEqual(decisionRequestId({ ...click, ...change }), key, JSON.stringify(change));
  }
});

test('each group goes to its channel, unmapped groups to the default, each channel once', () => {
  const channels = { default: 'CDEF', 'teams/finance': 'CFIN', 'users/bob': 'CBOB', manager: 'CMGR' };
  const approval = (groups) => ({ groups });
  assert.deepEqual(channelsFor(approval([{ team: 'teams/finance' }, { team: 'teams/legal' }]), channels), ['CFIN', 'CDEF']);
  assert.deepEqual(channelsFor(approval([{ team: 'teams/finance', leads_only: true }, { team: 'teams/finance' }]), channels), ['CFIN']);
  assert.deepEqual(channelsFor(approval([{ users: ['users/ann', 'users/bob'] }]), channels), ['CBOB']);
  assert.deepEqual(channelsFor(approval([{ requester_manager: true }]), channels), ['CMGR']);
  assert.deepEqual(channelsFor(approval([]), channels), ['CDEF']);
});
