// A real mopsd for a test: a fresh data folder, a free port, the admin's
// token, and the people, teams, grants and chat handles the scenarios use.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MopsClient } from '../../src/mops.js';
import { waitFor } from './wait.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const MOPSD = process.env.MOPSD || path.join(REPO, 'build/services/server/mopsd');

// Starts mopsd on `listen` (a free port by default) over `dataDir`.
async function spawnMopsd(dataDir, portFile, listen) {
  fs.rmSync(portFile, { force: true });
  const proc = spawn(MOPSD, ['--listen', listen, '--port-file', portFile, '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const run = { proc, log: '' };
  proc.stderr.on('data', (d) => (run.log += d));
  run.exited = new Promise((resolve) => proc.on('exit', resolve));
  run.address = await waitFor(() => {
    if (proc.exitCode !== null) throw new Error(`mopsd exited (${proc.exitCode}):\n${run.log}`);
    const text = fs.existsSync(portFile) ? fs.readFileSync(portFile, 'utf8').trim() : '';
    return text || null;
  }, 15_000, 'mopsd port file');
  return run;
}

export async function startMopsd() {
  if (!fs.existsSync(MOPSD)) throw new Error(`mopsd not found at ${MOPSD}; build it or set MOPSD`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-mopsd-'));
  const portFile = path.join(dir, 'port');
  const dataDir = path.join(dir, 'data');
  let run = await spawnMopsd(dataDir, portFile, '127.0.0.1:0');
  const adminToken = fs.readFileSync(path.join(dataDir, 'admin.token'), 'utf8').trim();
  const mopsd = {
    address: run.address,
    admin: new MopsClient({ server: run.address, token: adminToken }),
    dir,
    log: () => run.log,
    // A clean stop (clients see UNAVAILABLE) and a start on the same
    // address and data.
    async restart() {
      run.proc.kill('SIGTERM');
      await run.exited;
      run = await spawnMopsd(dataDir, portFile, mopsd.address);
    },
    async stop() {
      mopsd.admin.close();
      if (run.proc.exitCode === null) run.proc.kill('SIGTERM');
      await run.exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return mopsd;
}

async function createUser(admin, id, kind = 'PERSON') {
  await admin.call('identity', 'CreateUser', { user_id: id, user: { display_name: id[0].toUpperCase() + id.slice(1), kind } });
}

async function tokenOf(admin, user) {
  return (await admin.call('identity', 'CreateToken', { parent: `users/${user}` })).secret;
}

// The cast: ann (finance) and bob (legal) approve, carol requests, dave is
// linked but approves nothing, erin is in finance but not linked to Slack,
// frank is in finance and linked but the bot has no grant for him; chatbot
// is the bridge's bot.
export const SLACK_IDS = { ann: 'UANN0001', bob: 'UBOB0002', dave: 'UDAVE003', frank: 'UFRANK04' };
const GRANTED = ['ann', 'bob', 'dave'];

export async function setUpPeople(mopsd) {
  const { admin } = mopsd;
  for (const id of ['ann', 'bob', 'carol', 'dave', 'erin', 'frank']) await createUser(admin, id);
  await createUser(admin, 'chatbot', 'BOT');
  await admin.call('identity', 'CreateTeam', { team_id: 'legal', team: { display_name: 'Legal' } });
  for (const [team, user] of [['finance', 'ann'], ['finance', 'erin'], ['finance', 'frank'], ['legal', 'bob']]) {
    await admin.call('identity', 'AddTeamMember', { team: `teams/${team}`, user: `users/${user}` });
  }
  for (const [user, handle] of Object.entries(SLACK_IDS)) {
    await admin.call('identity', 'UpdateUser', {
      user: { name: `users/${user}`, chat_handle: handle },
      update_mask: { paths: ['chat_handle'] },
    });
  }
  for (const user of GRANTED) {
    await admin.call('identity', 'CreateActAsGrant', { bot: 'users/chatbot', user: `users/${user}` });
  }
  const carol = new MopsClient({ server: mopsd.address, token: await tokenOf(admin, 'carol') });
  return { botToken: await tokenOf(admin, 'chatbot'), carol };
}

// An approval requested by carol; `groups` default: 1 of finance and 1 of legal.
export async function requestApproval(carol, title, groups = [{ team: 'teams/finance' }, { team: 'teams/legal' }]) {
  return carol.call('approvals', 'CreateApproval', {
    approval: {
      subject: 'https://assets.example.com/q3-campaign/banner.png',
      asset_version: 'v1',
      title,
      groups: groups.map((g) => ({ required: 1, ...g })),
    },
  });
}

export function getApproval(mopsd, name) {
  return mopsd.admin.call('approvals', 'GetApproval', { name });
}
