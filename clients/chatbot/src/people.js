// How mops users are named in Slack messages: a mention (<@U123>) when the
// user has a chat handle, so Slack notifies them, else their display name.
// Lookups are cached for a few minutes: one approval message names the same
// people on every update.
const TTL_MS = 5 * 60 * 1000;

export class People {
  constructor(mops, logger) {
    this.mops = mops;
    this.logger = logger;
    this.cache = new Map(); // "users/x" -> { user, expires }
  }

  async user(name) {
    const hit = this.cache.get(name);
    if (hit && hit.expires > Date.now()) return hit.user;
    let user = null;
    try {
      user = await this.mops.call('identity', 'GetUser', { name });
    } catch (e) {
      // A name we cannot resolve is still shown, as its id.
      this.logger.warn(`cannot read ${name}: ${e.message}`);
    }
    this.cache.set(name, { user, expires: Date.now() + TTL_MS });
    return user;
  }

  async mention(name) {
    const user = await this.user(name);
    if (user?.chat_handle) return `<@${user.chat_handle}>`;
    return user?.display_name || name.replace(/^users\//, '');
  }

  async mentions(names) {
    return Promise.all(names.map((n) => this.mention(n)));
  }
}
