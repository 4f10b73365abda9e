// Startup errors name every missing setting; the file and the environment
// combine as documented.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.js');

test('a start without settings names each missing one and exits 2', () => {
  const run = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
  assert.equal(run.status, 2);
  for (const name of ['MOPS_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'CHATBOT_STATE_FILE', 'CHATBOT_DEFAULT_CHANNEL']) {
    assert.match(run.stderr, new RegExp(name));
  }
});

test('the config file is read, secrets come from files, the environment overrides', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-config-'));
  try {
    fs.writeFileSync(path.join(dir, 'mops.token'), 'mops_x_secret\n');
    const file = path.join(dir, 'chatbot.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        mopsServer: 'mops.internal:7878',
        mopsTokenFile: 'mops.token',
        slackSigningSecret: 'from-file',
        stateFile: 'state.json',
        channels: { default: 'CDEF', 'teams/finance': 'CFIN' },
      }),
    );
    const config = loadConfig({ file, env: { SLACK_BOT_TOKEN: 'xoxb-env', SLACK_SIGNING_SECRET: 'from-env', CHATBOT_PORT: '4000' } });
    assert.equal(config.mopsServer, 'mops.internal:7878');
    assert.equal(config.mopsToken, 'mops_x_secret');
    assert.equal(config.slackBotToken, 'xoxb-env');
    assert.equal(config.slackSigningSecret, 'from-env');
    assert.equal(config.port, 4000);
    assert.equal(config.stateFile, path.join(dir, 'state.json'));
    assert.equal(config.slackApiUrl, 'https://slack.com/api/');
    assert.deepEqual(config.channels, { default: 'CDEF', 'teams/finance': 'CFIN' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
