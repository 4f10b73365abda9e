// Runs the bridge as its own process (as in production: src/main.js, settings
// from the environment) and speaks to it as Slack does: signed POSTs of
// interaction payloads.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOT_TOKEN } from './fake-slack.js';
import { waitFor } from './wait.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/main.js');
export const SIGNING_SECRET = 'test-signing-secret';
export const CHANNELS = { 'teams/finance': 'CFINANCE', default: 'CDEFAULT' };

export async function startBridge({ mopsd, botToken, slack, dir }) {
  const portFile = path.join(dir, 'bridge.port');
  fs.rmSync(portFile, { force: true });
  const tokenFile = path.join(dir, 'bot.token');
  fs.writeFileSync(tokenFile, `${botToken}\n`, { mode: 0o600 });
  const proc = spawn(process.execPath, [MAIN], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      MOPS_SERVER: mopsd.address,
      MOPS_TOKEN_FILE: tokenFile,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      CHATBOT_PORT: '0',
      CHATBOT_PORT_FILE: portFile,
      CHATBOT_STATE_FILE: path.join(dir, 'state.json'),
      CHATBOT_CHANNELS: JSON.stringify(CHANNELS),
    },
  });
  let log = '';
  proc.stderr.on('data', (d) => (log += d));
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const port = await waitFor(() => {
    if (proc.exitCode !== null) throw new Error(`bridge exited (${proc.exitCode}):\n${log}`);
    const text = fs.existsSync(portFile) ? fs.readFileSync(portFile, 'utf8').trim() : '';
    return text ? Number(text) : null;
  }, 15_000, 'bridge port file');
  const base = `http://127.0.0.1:${port}`;
  // Approvals are watched from the first start on: wait until the watch is
  // established, so that what the test creates next is seen.
  await waitFor(async () => (await fetch(`${base}/healthz`)).status === 200, 15_000, 'bridge watching');
  return {
    base,
    log: () => log,
    // Every line of the log that contains `text`.
    logLines: (text) => log.split('\n').filter((l) => l.includes(text)),
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}

export function sign(body, { secret = SIGNING_SECRET, timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const digest = crypto.createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${digest}` };
}

// POSTs an interaction payload as Slack does (form field `payload`);
// `headers` may replace the signature or add x-slack-retry-num.
export async function sendInteraction(bridge, payload, { headers, signing } = {}) {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const res = await fetch(`${bridge.base}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body, signing), ...headers },
    body,
  });
  await res.text();
  return res.status;
}

let clickSeq = 0;

// A block_actions payload: `user` clicks `actionId` on the posted message
// `post` (a chat.postMessage call the fake Slack recorded).
export function clickPayload({ post, user, actionId }) {
  const ts = post.reply.ts;
  const button = post.args.blocks
    .find((b) => b.type === 'actions')
    .elements.find((e) => e.action_id === actionId);
  clickSeq += 1;
  return {
    type: 'block_actions',
    team: { id: 'T0TEST', domain: 'test' },
    user: { id: user, username: user.toLowerCase(), team_id: 'T0TEST' },
    api_app_id: 'A0TEST',
    container: { type: 'message', message_ts: ts, channel_id: post.args.channel, is_ephemeral: false },
    trigger_id: `${clickSeq}.1234.${crypto.randomBytes(8).toString('hex')}`,
    channel: { id: post.args.channel, name: 'approvals' },
    message: { type: 'message', ts, text: post.args.text, blocks: post.args.blocks },
    response_url: 'http://127.0.0.1:9/unused',
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'mops_decide',
        value: button.value,
        action_ts: (Date.now() / 1000 + clickSeq / 1e6).toFixed(6),
        text: button.text,
      },
    ],
  };
}

// A view_submission payload: `user` submits the comment modal `view` (the
// view a views.open call carried) with `comment`.
export function submitPayload({ view, user, comment }) {
  return {
    type: 'view_submission',
    team: { id: 'T0TEST', domain: 'test' },
    user: { id: user, username: user.toLowerCase(), team_id: 'T0TEST' },
    api_app_id: 'A0TEST',
    trigger_id: `9.1234.${crypto.randomBytes(8).toString('hex')}`,
    view: {
      ...view,
      id: 'V0TEST',
      state: { values: { comment: { text: { type: 'plain_text_input', value: comment } } } },
    },
  };
}
