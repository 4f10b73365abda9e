// What happens when someone clicks a button of an approval message. Bolt
// calls these only for signed POSTs (its receiver checks the signature and
// the timestamp before any listener runs), and only for block_actions and
// view_submission payloads with our ids: no GET, link preview or other
// payload type can decide.
import { Refusal } from './decider.js';
import { ACTIONS, COMMENT_VIEW, commentModal } from './render.js';

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function registerInteractions(app, { decider, logger }) {
  // Tells only the person who clicked, in the channel of the message.
  async function refuse(client, channel, user, text) {
    try {
      await client.chat.postEphemeral({ channel, user, text });
    } catch (e) {
      logger.error(`could not tell ${user} in ${channel} "${text}": ${e.data?.error ?? e.message}`);
    }
  }

  async function decideOrRefuse(client, channel, args) {
    try {
      await decider.decide(args);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      await refuse(client, channel, args.slackUser, e.message);
    }
  }

  app.action(
    { type: 'block_actions', action_id: /^mops_(approve|request_changes|reject)$/ },
    async ({ ack, body, action, client }) => {
      // Slack wants an answer within 3 seconds; the work goes on after it.
      await ack();
      const target = parseJson(action.value);
      const channel = body.channel?.id;
      const slackUser = body.user.id;
      if (!target?.a || !Number.isInteger(target.r) || !channel) {
        logger.warn(`ignored a click without an approval: ${action.value}`);
        return;
      }
      const outcome = ACTIONS[action.action_id].outcome;
      const args = { team: body.team?.id, slackUser, approval: target.a, round: target.r, outcome };
      if (outcome === 'APPROVE') {
        await decideOrRefuse(client, channel, args);
        return;
      }
      // Rejecting and requesting changes need a comment: ask for it. Check
      // the person first, so someone unlinked is told at once.
      try {
        await decider.personOf(slackUser);
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        await refuse(client, channel, slackUser, e.message);
        return;
      }
      const title = body.message?.text ?? target.a;
      try {
        await client.views.open({
          trigger_id: body.trigger_id,
          view: commentModal({ outcome, approval: target.a, round: target.r, title, channel }),
        });
      } catch (e) {
        // A trigger_id is valid for 3 seconds; a slow moment can outlive it.
        logger.warn(`views.open for ${slackUser} failed: ${e.data?.error ?? e.message}`);
        await refuse(client, channel, slackUser, 'The comment form could not be opened; please click again.');
      }
    },
  );

  app.view(COMMENT_VIEW, async ({ ack, body, view, client }) => {
    await ack(); // closes the modal
    const meta = parseJson(view.private_metadata);
    const comment = view.state.values.comment?.text?.value?.trim() ?? '';
    if (!meta?.a || !Number.isInteger(meta.r) || !ACTIONS[`mops_${meta.o?.toLowerCase()}`]) {
      logger.warn(`ignored a comment form without an approval: ${view.private_metadata}`);
      return;
    }
    await decideOrRefuse(client, meta.c, {
      team: body.team?.id,
      slackUser: body.user.id,
      approval: meta.a,
      round: meta.r,
      outcome: meta.o,
      comment,
    });
  });
}
