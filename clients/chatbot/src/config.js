// Settings of the bridge: an optional JSON file, each key overridable by an
// environment variable, so secrets can stay out of the file. Every missing or
// malformed setting is reported at once, by name, before anything starts.
import fs from 'node:fs';
import path from 'node:path';

// Setting -> the environment variable that overrides it.
const ENV = {
  mopsServer: 'MOPS_SERVER',
  mopsToken: 'MOPS_TOKEN',
  mopsTokenFile: 'MOPS_TOKEN_FILE',
  mopsTlsCaFile: 'MOPS_TLS_CA',
  slackBotToken: 'SLACK_BOT_TOKEN',
  slackBotTokenFile: 'SLACK_BOT_TOKEN_FILE',
  slackSigningSecret: 'SLACK_SIGNING_SECRET',
  slackSigningSecretFile: 'SLACK_SIGNING_SECRET_FILE',
  slackApiUrl: 'SLACK_API_URL',
  port: 'CHATBOT_PORT',
  portFile: 'CHATBOT_PORT_FILE',
  stateFile: 'CHATBOT_STATE_FILE',
  channels: 'CHATBOT_CHANNELS',
  defaultChannel: 'CHATBOT_DEFAULT_CHANNEL',
  logLevel: 'CHATBOT_LOG_LEVEL',
};

export class ConfigError extends Error {}

// A secret given inline (env or file key) or as a path to a file holding it.
function secret(raw, key, problems, baseDir) {
  const inline = raw[key];
  const file = raw[`${key}File`];
  if (inline) return String(inline).trim();
  if (file) {
    try {
      return fs.readFileSync(path.resolve(baseDir, file), 'utf8').trim();
    } catch (e) {
      problems.push(`${key}File (${ENV[`${key}File`]}): cannot read ${file}: ${e.message}`);
      return '';
    }
  }
  problems.push(`${key}: set ${ENV[key]} or ${ENV[`${key}File`]} (or "${key}"/"${key}File" in the config file)`);
  return '';
}

// Reads the config file named by `file` (may be undefined) and `env`; returns
// the settings or throws ConfigError listing every problem.
export function loadConfig({ file, env = process.env } = {}) {
  const problems = [];
  let raw = {};
  const baseDir = file ? path.dirname(path.resolve(file)) : process.cwd();
  if (file) {
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`config file ${file}: ${e.message}`);
    }
  }
  for (const [key, name] of Object.entries(ENV)) {
    if (env[name] !== undefined && env[name] !== '') raw[key] = env[name];
  }

  let channels = raw.channels ?? {};
  if (typeof channels === 'string') {
    try {
      channels = JSON.parse(channels);
    } catch (e) {
      problems.push(`channels (${ENV.channels}): not JSON: ${e.message}`);
      channels = {};
    }
  }
  if (typeof channels !== 'object' || Array.isArray(channels)) {
    problems.push('channels: must map "teams/ID" or "users/ID" to a Slack channel id');
    channels = {};
  }
  const defaultChannel = raw.defaultChannel || channels.default;
  if (!defaultChannel) {
    problems.push(`defaultChannel: set ${ENV.defaultChannel} or "default" in channels`);
  }

  const port = Number(raw.port ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`port (${ENV.port}): not a port number: ${raw.port}`);
  }
  if (!raw.stateFile) {
    problems.push(`stateFile: set ${ENV.stateFile} (where the watch position and posted messages are kept)`);
  }

  const config = {
    mopsServer: raw.mopsServer || '127.0.0.1:7878',
    mopsToken: secret(raw, 'mopsToken', problems, baseDir),
    mopsTlsCa: raw.mopsTlsCaFile ? readOptional(raw.mopsTlsCaFile, 'mopsTlsCaFile', problems, baseDir) : null,
    slackBotToken: secret(raw, 'slackBotToken', problems, baseDir),
    slackSigningSecret: secret(raw, 'slackSigningSecret', problems, baseDir),
    slackApiUrl: raw.slackApiUrl || 'https://slack.com/api/',
    port,
    portFile: raw.portFile ? path.resolve(baseDir, raw.portFile) : null,
    stateFile: raw.stateFile ? path.resolve(baseDir, raw.stateFile) : null,
    channels: { ...channels, default: defaultChannel },
    logLevel: raw.logLevel || 'info',
  };
  if (problems.length > 0) {
    throw new ConfigError(`missing or invalid settings:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

function readOptional(file, key, problems, baseDir) {
  try {
    return fs.readFileSync(path.resolve(baseDir, file));
  } catch (e) {
    problems.push(`${key} (${ENV[key]}): cannot read ${file}: ${e.message}`);
    return null;
  }
}
