// Records a Slack user's decision in mops, on behalf of the mops user with
// that chat handle, and says in words why not when it cannot.
import crypto from 'node:crypto';
import { Status } from './mops.js';

// The request_id of a decision, so that mopsd records one decision however
// often the same intent reaches us:
//  - a Slack retry (x-slack-retry-num) resends the same payload;
//  - a double click sends two payloads with different trigger_ids and
//    action_ts, so neither can be the key;
//  - two comment modals opened by a double click are submitted separately.
// What they share is: who clicked (Slack team and user), which approval,
// which round (from the button, i.e. what the person saw) and which outcome.
// The message ts is not part of it: an approval posted to two channels is
// one approval, and the same click in either is the same decision. A new
// round (after a resubmission) is a new key, as it must be. Hashed, since
// request_id holds at most 128 bytes.
export function decisionRequestId({ team, slackUser, approval, round, outcome }) {
  const digest = crypto
    .createHash('sha256')
    .update(JSON.stringify([team ?? '', slackUser, approval, round, outcome]))
    .digest('hex');
  return `slack-${digest}`;
}

export class Refusal extends Error {}

// What the person is told, by the gRPC status of a failed call.
function explain(error) {
  const details = error.details || error.message;
  switch (error.code) {
    case Status.PERMISSION_DENIED:
      return `You may not decide on this approval: ${details}`;
    case Status.NOT_FOUND:
      return `This approval does not exist any more: ${details}`;
    case Status.FAILED_PRECONDITION:
      // The same key with another comment: two comment forms of one double
      // click, both submitted. The first one counted.
      if (/already used for a different request/.test(details)) {
        return 'You already made this decision from another click; your first answer counts.';
      }
      return `Your decision was not recorded: ${details}`;
    case Status.INVALID_ARGUMENT:
      return `Your decision was not accepted: ${details}`;
    case Status.UNAUTHENTICATED:
      return 'The bridge cannot sign in to mops (its token was refused). Please tell a mops admin.';
    case Status.UNAVAILABLE:
    case Status.DEADLINE_EXCEEDED:
      return 'mops cannot be reached right now. Please try again in a moment.';
    default:
      return `Your decision was not recorded: ${details}`;
  }
}

export class Decider {
  constructor({ mops, logger }) {
    this.mops = mops;
    this.logger = logger;
  }

  // The mops user name ("users/ann") of a Slack user, or a Refusal.
  async personOf(slackUser) {
    let user;
    try {
      user = await this.mops.userByChatHandle(slackUser);
    } catch (e) {
      throw new Refusal(explain(e));
    }
    if (!user) {
      throw new Refusal(
        `Your Slack account (${slackUser}) is not linked to a mops user, so the bridge cannot decide for you. ` +
          `Ask a mops admin to run: mops user update <your-user> --chat-handle ${slackUser}`,
      );
    }
    return user.name;
  }

  // Decides; throws a Refusal with the reason for the person.
  async decide({ team, slackUser, approval, round, outcome, comment = '' }) {
    const person = await this.personOf(slackUser);
    try {
      // The person decides on what they saw: a message of an earlier round
      // (the asset may have changed since) does not decide the current one.
      const current = await this.mops.call('approvals', 'GetApproval', { name: approval });
      if (current.round !== round) {
        throw new Refusal(
          `This message showed round ${round}, but ${approval} is in round ${current.round} now; ` +
            'look at the updated message and decide again.',
        );
      }
      const requestId = decisionRequestId({ team, slackUser, approval, round, outcome });
      const result = await this.mops.decide({ name: approval, outcome, comment, requestId, onBehalfOf: person });
      this.logger.info(`${person} (${slackUser}) decided ${outcome} on ${approval} round ${round} (${requestId})`);
      return result;
    } catch (e) {
      if (e instanceof Refusal) throw e;
      this.logger.warn(`${person} (${slackUser}) could not decide ${outcome} on ${approval}: ${e.details || e.message}`);
      throw new Refusal(explain(e));
    }
  }
}
