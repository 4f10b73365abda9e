// Reminders and escalations from mopsd's deadline timers are posted once in
// the approval's thread, and the message shows who was added.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import grpc from '@grpc/grpc-js';
import { loadMopsPackage } from '../src/mops.js';
import { sleep } from './helpers/wait.js';
import { startWorld } from './helpers/world.js';

let world;
before(async () => {
  world = await startWorld();
});
after(async () => {
  await world?.stop();
});

// A calendar where every hour is business time, so a deadline a few
// seconds ahead has its reminders (75%, 90%) and escalation within seconds
// whatever the day.
async function createAlwaysCalendar(mopsd) {
  const calendars = new (loadMopsPackage().CalendarService)(mopsd.address, grpc.credentials.createInsecure());
  const working_hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
  await new Promise((resolve, reject) =>
    calendars.CreateCalendar(
      { calendar_id: 'always', calendar: { time_zone: 'UTC', working_hours } },
      mopsd.admin.metadata(null),
      (e, r) => (e ? reject(e) : resolve(r)),
    ),
  );
  calendars.close();
}

test('reminders and the escalation are posted once in the thread', async () => {
  const { admin } = world.mopsd;
  await createAlwaysCalendar(world.mopsd);
  // Escalation adds the requester's manager (finance's leads are members
  // already): hank, linked to Slack.
  await admin.call('identity', 'CreateUser', { user_id: 'hank', user: { display_name: 'Hank', chat_handle: 'UHANK005' } });
  await admin.call('identity', 'UpdateUser', { user: { name: 'users/carol', manager: 'users/hank' }, update_mask: { paths: ['manager'] } });

  const approval = await world.carol.call('approvals', 'CreateApproval', {
    approval: {
      subject: 'https://assets.example.com/spring/video.mp4',
      title: 'With a deadline',
      groups: [{ team: 'teams/finance', required: 1 }],
      due: new Date(Date.now() + 4000).toISOString(),
      calendar: 'calendars/always',
      deadline_action: 'ESCALATE',
    },
  });
  const [post] = await world.posts(approval.name);
  const inThread = (re) => (a) => a.thread_ts === post.reply.ts && re.test(a.text);
  const [r75] = await world.slack.waitFor('chat.postMessage', inThread(/Reminder: 75%/));
  assert.match(r75.args.text, /Still to decide: .*<@UANN0001>/);
  await world.slack.waitFor('chat.postMessage', inThread(/Reminder: 90%/));
  const [esc] = await world.slack.waitFor('chat.postMessage', inThread(/escalated/));
  assert.match(esc.args.text, /Added approvers: <@UHANK005>/);
  await world.slack.waitFor('chat.update', (a) => a.ts === post.reply.ts && JSON.stringify(a.blocks).includes('<@UHANK005>'));

  await sleep(300);
  const notes = world.slack.find('chat.postMessage', (a) => a.thread_ts === post.reply.ts);
  assert.equal(notes.length, 3);
  assert.equal(world.slack.find('chat.postMessage', (a) => !a.thread_ts && JSON.stringify(a.blocks).includes(approval.name)).length, 1);
});
