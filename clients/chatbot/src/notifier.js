// Turns approval.* events into Slack messages: posts a new approval to its
// channels, edits those messages on every change, and posts reminders,
// escalations and resubmissions in the message's thread.
//
// Replaying an event (after a crash between handling it and storing the
// revision) posts nothing twice: an approval already in the state is edited,
// not posted, and each thread note is recorded under its event's position.
import { isFinished, peopleIn, stillToDecide } from './approval-model.js';
import { approvalMessage, escalationNote, reminderNote, resubmittedNote } from './render.js';
import { channelsFor } from './routing.js';

// Slack answered "ok": false (channel_not_found, not_in_channel,
// message_not_found, ...): retrying gives the same answer, so the event is
// logged and skipped rather than holding up the feed. Network, HTTP and
// rate-limit failures throw instead, and the event is handled again later.
function isPermanent(error) {
  return error?.code === 'slack_webapi_platform_error';
}

export class Notifier {
  constructor({ slack, state, people, channels, logger }) {
    this.slack = slack;
    this.state = state;
    this.people = people;
    this.channels = channels;
    this.logger = logger;
  }

  async handle(event) {
    const payload = event[event.payload];
    if (!payload?.approval) return;
    const approval = payload.approval;
    const noteKey = `${event.revision}.${event.index}`;
    switch (event.payload) {
      case 'approval_requested':
      case 'approval_decided':
      case 'approval_completed':
        await this.show(approval);
        break;
      case 'approval_resubmitted': {
        await this.show(approval);
        const requester = await this.people.mention(approval.requester);
        await this.note(approval, noteKey, resubmittedNote(requester, payload.comment));
        break;
      }
      case 'approval_reminder': {
        await this.show(approval);
        const waiting = await this.people.mentions(stillToDecide(approval));
        await this.note(approval, noteKey, reminderNote(approval, payload.percent, waiting));
        break;
      }
      case 'approval_escalated': {
        await this.show(approval);
        const added = await this.people.mentions(payload.added ?? []);
        await this.note(approval, noteKey, escalationNote(added));
        break;
      }
      default:
        return;
    }
    if (isFinished(approval)) this.state.forgetApproval(approval.name);
  }

  async render(approval) {
    const people = peopleIn(approval);
    const mentions = await this.people.mentions(people);
    return approvalMessage(approval, Object.fromEntries(people.map((p, i) => [p, mentions[i]])));
  }

  // Edits the messages of `approval` and posts it to each of its channels
  // that does not have it yet (all of them the first time).
  async show(approval) {
    const record = this.state.approval(approval.name) ?? { messages: [], notes: [] };
    const message = await this.render(approval);
    for (const m of record.messages) {
      await this.call('chat.update', { channel: m.channel, ts: m.ts, ...message });
    }
    // An approval first seen when already over (the bridge started after it
    // was requested) has nothing left to decide: it is not posted.
    if (isFinished(approval)) return;
    for (const target of channelsFor(approval, this.channels)) {
      if (record.messages.some((m) => m.target === target)) continue;
      const res = await this.call('chat.postMessage', { channel: target, unfurl_links: false, ...message });
      if (!res) continue;
      // Slack answers with the channel id, which chat.update needs.
      record.messages.push({ target, channel: res.channel, ts: res.ts });
      this.state.setApproval(approval.name, record);
      // Saved at once: a crash before the revision is stored must not post
      // this approval a second time.
      this.state.save();
    }
  }

  // A thread reply under each message of `approval`, once per key.
  async note(approval, key, text) {
    const record = this.state.approval(approval.name);
    if (!record || record.notes.includes(key)) return;
    for (const m of record.messages) {
      await this.call('chat.postMessage', { channel: m.channel, thread_ts: m.ts, text });
    }
    record.notes.push(key);
  }

  async call(method, args) {
    try {
      return await this.slack.apiCall(method, args);
    } catch (e) {
      if (!isPermanent(e)) throw e;
      this.logger.error(`slack ${method} in ${args.channel}: ${e.data?.error ?? e.message}; skipped`);
      return null;
    }
  }
}
