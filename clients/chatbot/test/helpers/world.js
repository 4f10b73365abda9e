// Everything one test file needs: a real mopsd with its people, a fake
// Slack, and the bridge between them, each in its own temp folder and on
// free ports; stop() ends them all.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBridge } from './bridge.js';
import { mentionsApproval, startFakeSlack } from './fake-slack.js';
import { setUpPeople, startMopsd } from './mopsd.js';

export async function startWorld() {
  const mopsd = await startMopsd();
  const world = { mopsd, slack: null, bridge: null };
  try {
    const { botToken, carol } = await setUpPeople(mopsd);
    world.carol = carol;
    world.botToken = botToken;
    world.slack = await startFakeSlack();
    world.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-bridge-'));
    const start = () => startBridge({ mopsd, botToken, slack: world.slack, dir: world.dir });
    world.bridge = await start();
    world.restartBridge = async () => {
      world.bridge = await start();
      return world.bridge;
    };
  } catch (e) {
    await stopWorld(world);
    throw e;
  }
  // The top-level posts (not thread notes) of approval `name`.
  world.posts = (name, count = 1, timeoutMs = 10_000) =>
    world.slack.waitFor('chat.postMessage', (a) => !a.thread_ts && mentionsApproval(name)(a), count, timeoutMs);
  world.stop = () => stopWorld(world);
  return world;
}

async function stopWorld(world) {
  await world.bridge?.stop();
  world.carol?.close();
  await world.slack?.stop();
  await world.mopsd.stop();
  if (world.dir) fs.rmSync(world.dir, { recursive: true, force: true });
}
