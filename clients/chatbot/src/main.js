#!/usr/bin/env node
// mops-chatbot [--config FILE]: the Slack bridge of mops. Settings come from
// the JSON file (--config or CHATBOT_CONFIG) and the environment; see
// README.md. SIGINT/SIGTERM stop it cleanly: the watch ends after the event
// in hand, whose revision is then stored.
import { parseArgs } from 'node:util';
import { startBridge } from './bridge.js';
import { ConfigError, loadConfig } from './config.js';

const USAGE = 'usage: mops-chatbot [--config FILE]   (settings: see clients/chatbot/README.md)';

async function main() {
  let args;
  try {
    args = parseArgs({ options: { config: { type: 'string' }, help: { type: 'boolean' } } }).values;
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  let config;
  try {
    config = loadConfig({ file: args.config ?? process.env.CHATBOT_CONFIG });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`mops-chatbot: ${e.message}`);
    process.exit(2);
  }
  let bridge;
  try {
    bridge = await startBridge(config);
  } catch (e) {
    console.error(`mops-chatbot: cannot start: ${e.message}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.error(`mops-chatbot: ${signal}, stopping`);
    await bridge.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main();
