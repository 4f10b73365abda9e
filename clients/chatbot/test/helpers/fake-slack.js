// A stand-in for the Slack Web API: answers like Slack (ok, channel, ts) and
// records every call with its arguments and answer, decoded from the form encoding the
// Slack client uses (nested values such as blocks arrive as JSON strings).
import http from 'node:http';
import { waitFor } from './wait.js';

export const BOT_TOKEN = 'xoxb-test-token';

function decode(req, body) {
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) return JSON.parse(body || '{}');
  const args = Object.fromEntries(new URLSearchParams(body));
  for (const key of ['blocks', 'view', 'attachments']) {
    if (typeof args[key] === 'string') args[key] = JSON.parse(args[key]);
  }
  return args;
}

export async function startFakeSlack() {
  const calls = [];
  let seq = 0;
  const nextTs = () => `1700000000.${String(++seq).padStart(6, '0')}`;

  const answer = {
    'auth.test': () => ({ user_id: 'UBOT0000', bot_id: 'BBOT0000', team_id: 'T0TEST', team: 'Test', user: 'chatbot' }),
    'chat.postMessage': (a) => ({ channel: a.channel, ts: nextTs(), message: { text: a.text, blocks: a.blocks } }),
    'chat.update': (a) => ({ channel: a.channel, ts: a.ts, text: a.text }),
    'chat.postEphemeral': () => ({ message_ts: nextTs() }),
    'views.open': (a) => ({ view: { id: `V${++seq}`, ...a.view } }),
  };

  const failures = {}; // method -> how many more calls answer HTTP 500

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const method = req.url.replace(/^\/api\//, '').split('?')[0];
      const args = decode(req, body);
      if (failures[method] > 0) {
        failures[method] -= 1;
        res.writeHead(500);
        res.end();
        return;
      }
      const ok = req.headers.authorization === `Bearer ${BOT_TOKEN}`;
      const reply = !ok
        ? { ok: false, error: 'invalid_auth' }
        : answer[method]
          ? { ok: true, ...answer[method](args) }
          : { ok: true };
      calls.push({ method, args, reply });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${server.address().port}/api/`,
    calls,
    // An outage: the next `count` calls of `method` fail with HTTP 500 (and
    // are not recorded).
    failNext(method, count) {
      failures[method] = count;
    },
    // The recorded calls of `method` that `match` accepts.
    find(method, match = () => true) {
      return calls.filter((c) => c.method === method && match(c.args));
    },
    waitFor(method, match = () => true, count = 1, timeoutMs = 10_000) {
      return waitFor(() => {
        const found = this.find(method, match);
        return found.length >= count ? found : null;
      }, timeoutMs, `${count} x ${method}`);
    },
    stop() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

// The posts of an approval: its name is in the context block of every
// rendering (and in the button values).
export function mentionsApproval(name) {
  return (args) => JSON.stringify(args.blocks ?? []).includes(name);
}
