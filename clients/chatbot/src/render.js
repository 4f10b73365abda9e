// Slack Block Kit for an approval: the message in the approvers' channel, its
// thread notes and the comment modal. Pure functions: people are passed in
// already resolved (`names`: "users/x" -> mention or display name).
import { currentDecisions, groupLabel, groupTally, isOpen, placeOf } from './approval-model.js';

export const ACTIONS = {
  mops_approve: { outcome: 'APPROVE', label: 'Approve', style: 'primary' },
  mops_request_changes: { outcome: 'REQUEST_CHANGES', label: 'Request changes' },
  mops_reject: { outcome: 'REJECT', label: 'Reject', style: 'danger' },
};
export const COMMENT_VIEW = 'mops_comment';

const STATE_LABEL = {
  PENDING: 'Pending',
  APPROVED: ':white_check_mark: Approved',
  REJECTED: ':x: Rejected',
  CHANGES_REQUESTED: ':pencil2: Changes requested',
  CANCELLED: ':no_entry_sign: Cancelled',
  EXPIRED: ':hourglass: Expired',
};
const OUTCOME_LABEL = { APPROVE: 'approved', REJECT: 'rejected', REQUEST_CHANGES: 'requested changes' };
const SECTION_MAX = 2900; // Slack allows 3000 characters per text object

// Slack mrkdwn treats &, < and > as control characters.
function escape(text) {
  return String(text ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text, max = SECTION_MAX) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function slackDate(ts) {
  const seconds = Number(ts?.seconds ?? 0);
  if (!seconds) return null;
  const iso = new Date(seconds * 1000).toISOString();
  return `<!date^${seconds}^{date_short_pretty} {time}|${iso}>`;
}

function subjectText(approval) {
  const s = approval.subject;
  const link = /^https?:\/\//.test(s) ? `<${s}>` : `\`${escape(s)}\``;
  return approval.asset_version ? `${link} (version ${escape(approval.asset_version)})` : link;
}

function name(names, user) {
  return names[user] ?? escape(user.replace(/^users\//, ''));
}

function groupLine(approval, group, names) {
  const tally = groupTally(approval, group);
  const mark = tally.satisfied ? ':white_check_mark:' : ':hourglass_flowing_sand:';
  let line = `${mark} *${escape(groupLabel(group))}*: ${tally.approvals} of ${tally.required} approved`;
  if (!tally.satisfied && isOpen(approval) && tally.waiting.length > 0) {
    line += ` (waiting for ${tally.waiting.map((p) => name(names, p)).join(', ')})`;
  }
  return line;
}

function decisionLine(decision, names) {
  let line = `${name(names, placeOf(decision))} ${OUTCOME_LABEL[decision.outcome] ?? decision.outcome}`;
  if (decision.on_behalf_of) line += ` (by ${name(names, decision.approver)})`;
  if (decision.comment) line += `: ${escape(decision.comment)}`;
  return `• ${line}`;
}

// The approval message; buttons only while decisions are taken. The button
// value carries the approval and the round the person saw.
export function approvalMessage(approval, names) {
  const title = escape(approval.title || approval.name);
  const header = [`*Approval: ${title}*`, `Subject: ${subjectText(approval)}`];
  const meta = [`Requested by ${name(names, approval.requester)}`, `round ${approval.round}`];
  const due = slackDate(approval.due_time);
  if (due && isOpen(approval)) meta.push(`due ${due}`);
  header.push(meta.join(' · '));

  const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: clip(header.join('\n')) } }];
  if (approval.details) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(escape(approval.details)) } });
  }
  const groups = (approval.groups ?? []).map((g) => groupLine(approval, g, names));
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(groups.join('\n') || 'No approver groups') } });
  const decisions = currentDecisions(approval).map((d) => decisionLine(d, names));
  if (decisions.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(decisions.join('\n')) } });
  }
  const state = STATE_LABEL[approval.state] ?? approval.state;
  const done = slackDate(approval.complete_time);
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${state}${done && !isOpen(approval) ? ` ${done}` : ''} · \`${approval.name}\`` }],
  });
  if (isOpen(approval)) {
    const value = JSON.stringify({ a: approval.name, r: approval.round });
    blocks.push({
      type: 'actions',
      block_id: 'mops_decide',
      elements: Object.entries(ACTIONS).map(([actionId, a]) => ({
        type: 'button',
        action_id: actionId,
        text: { type: 'plain_text', text: a.label },
        value,
        ...(a.style ? { style: a.style } : {}),
      })),
    });
  }
  // The notification text; also what the comment modal shows as title.
  const text = isOpen(approval) ? `Approval needed: ${title}` : `${title}: ${state.replace(/^:[a-z_0-9]+: /, '')}`;
  return { text, blocks };
}

export function reminderNote(approval, percent, waiting) {
  const who = waiting.length > 0 ? waiting.join(', ') : 'nobody';
  const due = slackDate(approval.due_time) ?? 'the deadline';
  return `:bell: Reminder: ${percent}% of the time for this approval has passed (due ${due}). Still to decide: ${who}.`;
}

export function escalationNote(added) {
  const who = added.length > 0 ? added.join(', ') : 'nobody new';
  return `:rotating_light: The deadline passed and the approval was escalated. Added approvers: ${who}.`;
}

export function resubmittedNote(requester, comment) {
  return `:arrows_counterclockwise: ${requester} resubmitted for a new round${comment ? `: ${escape(comment)}` : '.'}`;
}

// The modal asking for the comment that rejecting and requesting changes
// need. private_metadata brings the click's context back on submission.
// `title` is the clicked message's text, already escaped for mrkdwn.
export function commentModal({ outcome, approval, round, title, channel }) {
  const verb = outcome === 'REJECT' ? 'Reject' : 'Request changes';
  return {
    type: 'modal',
    callback_id: COMMENT_VIEW,
    private_metadata: JSON.stringify({ a: approval, r: round, o: outcome, c: channel }),
    title: { type: 'plain_text', text: verb },
    submit: { type: 'plain_text', text: verb },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${title}*\nA comment is required.` },
      },
      {
        type: 'input',
        block_id: 'comment',
        label: { type: 'plain_text', text: 'Comment' },
        element: { type: 'plain_text_input', action_id: 'text', multiline: true, max_length: 3000 },
      },
    ],
  };
}
