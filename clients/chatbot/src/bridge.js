// Puts the bridge together: the Slack side (Bolt, with its HTTP receiver
// verifying every request), the mops side (gRPC client and the watch) and the
// state file between them.
import fs from 'node:fs';
import bolt from '@slack/bolt';
import { Decider } from './decider.js';
import { registerInteractions } from './interactions.js';
import { MopsClient, Status } from './mops.js';
import { Notifier } from './notifier.js';
import { People } from './people.js';
import { StateStore } from './state.js';
import { Watcher } from './watcher.js';

const { App, HTTPReceiver, LogLevel } = bolt;

const SLACK_PATH = '/slack/events';

function makeLogger(level) {
  const order = ['debug', 'info', 'warn', 'error'];
  const min = Math.max(0, order.indexOf(level));
  const log = (lvl) => (...args) => {
    if (order.indexOf(lvl) >= min) console.error(`${new Date().toISOString()} ${lvl.toUpperCase()} ${args.join(' ')}`);
  };
  const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  // The shape Bolt and the Slack Web API client want.
  return { ...logger, setLevel() {}, getLevel: () => level, setName() {} };
}

// Checks the mops token before anything is posted: it must work and belong
// to a bot, since only bots may act on behalf of people.
async function checkMopsIdentity(mops, logger) {
  try {
    const me = await mops.call('identity', 'WhoAmI', {});
    if (me.user.kind !== 'BOT') {
      throw new Error(
        `mopsToken belongs to ${me.user.name}, which is not a bot; create one with ` +
          '"mops user create chatbot --display-name Chatbot --bot" and use its token',
      );
    }
    logger.info(`signed in to mops as ${me.user.name}`);
  } catch (e) {
    if (e.code === Status.UNAVAILABLE || e.code === Status.DEADLINE_EXCEEDED) {
      // mopsd may start after us; the watch keeps trying.
      logger.warn(`mops is not reachable yet (${e.details}); will keep trying`);
      return;
    }
    if (e.code !== undefined) throw new Error(`mopsToken was refused by mops: ${e.details}`);
    throw e;
  }
}

export async function startBridge(config) {
  const logger = makeLogger(config.logLevel);
  const state = new StateStore(config.stateFile).load();
  const mops = new MopsClient({ server: config.mopsServer, token: config.mopsToken, tlsCa: config.mopsTlsCa });
  await checkMopsIdentity(mops, logger);

  const receiver = new HTTPReceiver({
    signingSecret: config.slackSigningSecret,
    // Bolt's default, stated so that it is never turned off by accident:
    // requests without a valid v0 signature, or older than 5 minutes, get
    // 401 and reach no listener.
    signatureVerification: true,
    endpoints: [SLACK_PATH],
    logger,
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_req, res) => {
          res.writeHead(watcher.watching ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ watching: watcher.watching, revision: state.revision }));
        },
      },
    ],
  });
  const app = new App({
    token: config.slackBotToken,
    receiver,
    logger,
    logLevel: LogLevel.INFO,
    // auth.test runs in app.init() below, so a bad Slack token stops the
    // start with a clear error.
    deferInitialization: true,
    clientOptions: {
      slackApiUrl: config.slackApiUrl,
      timeout: 10_000,
      // A few retries; beyond that the watch retries the whole event later.
      retryConfig: { retries: 3, factor: 2, minTimeout: 500 },
    },
  });
  try {
    await app.init();
  } catch (e) {
    throw new Error(`Slack auth.test with slackBotToken failed (slackApiUrl ${config.slackApiUrl}): ${e.data?.error ?? e.message}`);
  }

  const people = new People(mops, logger);
  const notifier = new Notifier({ slack: app.client, state, people, channels: config.channels, logger });
  const watcher = new Watcher({ mops, state, logger, handle: (event) => notifier.handle(event) }).start();
  registerInteractions(app, { decider: new Decider({ mops, logger }), logger });

  const server = await app.start(config.port);
  const port = server.address().port;
  if (config.portFile) fs.writeFileSync(config.portFile, `${port}\n`);
  logger.info(`listening on port ${port}, Slack requests at ${SLACK_PATH}`);

  return {
    port,
    async stop() {
      await watcher.stop();
      server.closeAllConnections?.();
      await app.stop();
      mops.close();
      logger.info('stopped');
    },
  };
}
