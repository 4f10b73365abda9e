// Follows the mops feed (WatchEvents, types approval.*) and hands each event
// to `handle`, one at a time and in order. After a message is handled its
// next_after_revision is stored, so a restart resumes with no gap and no
// repeat (README "Watching the feed"). Whenever the stream ends, the watch
// starts again from the stored revision, after a pause that grows while
// attempts keep failing.
import { Status, resumeRevisionOf } from './mops.js';

const FILTER = { types: ['approval.*'], subjects: [] };

export class Watcher {
  constructor({ mops, state, handle, logger, minBackoffMs = 500, maxBackoffMs = 30_000 }) {
    this.mops = mops;
    this.state = state;
    this.handle = handle;
    this.logger = logger;
    this.minBackoffMs = minBackoffMs;
    this.maxBackoffMs = maxBackoffMs;
    this.backoffMs = minBackoffMs;
    this.watching = false;
    this.stopped = false;
    this.call = null;
    this.wake = null;
  }

  start() {
    this.loop = this.run();
    return this;
  }

  async stop() {
    this.stopped = true;
    this.call?.cancel();
    this.wake?.();
    await this.loop;
  }

  async run() {
    while (!this.stopped) {
      const started = Date.now();
      let error = null;
      try {
        await this.watchOnce();
      } catch (e) {
        error = e;
      }
      this.watching = false;
      if (this.stopped) break;
      // A watch that stayed up a while was healthy: start the pauses over.
      if (Date.now() - started > this.maxBackoffMs) this.backoffMs = this.minBackoffMs;
      // mopsd never ends a watch with OK; that is treated as a lost connection.
      const pauseMs = error ? this.onEnd(error) : this.nextBackoff();
      if (pauseMs > 0) await this.sleep(pauseMs);
    }
  }

  async watchOnce() {
    // First start: only what commits from now on. Old approvals are not
    // posted; the bridge is for decisions still to come.
    const from = this.state.revision;
    const request =
      from === null
        ? { from_now: true, filter: FILTER }
        : { after_revision: from, filter: FILTER };
    this.logger.info(from === null ? 'watching approvals from now' : `watching approvals after revision ${from}`);
    this.call = this.mops.watch(request);
    try {
      for await (const message of this.call) {
        this.watching = true;
        for (const event of message.events) await this.handle(event);
        // Events went through: whatever failed before works again. (Not on
        // a progress notice, which comes first on every watch, even while
        // Slack keeps failing.)
        if (message.events.length > 0) this.backoffMs = this.minBackoffMs;
        if (message.next_after_revision !== this.state.revision) {
          this.state.revision = message.next_after_revision;
          this.state.save();
        }
      }
    } finally {
      // Also when `handle` failed: end the stream, it resumes from the
      // last stored revision.
      this.call.cancel();
      this.call = null;
    }
  }

  // How long to wait before watching again after `error`.
  onEnd(error) {
    const resume = resumeRevisionOf(error);
    switch (error.code) {
      case Status.OUT_OF_RANGE:
        // Our revision left the feed's retention (the bridge was away too
        // long) or is past the head (the server's data was restored from a
        // backup). Either way go on from where mopsd says; the events in
        // between cannot be had any more.
        if (resume !== null) {
          this.logger.warn(`watch out of range (${error.details}); resuming after revision ${resume}, events before it were missed`);
          this.state.revision = resume;
          this.state.save();
          return 0;
        }
        break;
      case Status.RESOURCE_EXHAUSTED:
        // We read too slowly and mopsd dropped the watch: go on at once.
        this.logger.warn(`watch ended: ${error.details}; resuming`);
        return this.minBackoffMs;
      case Status.UNAUTHENTICATED:
      case Status.PERMISSION_DENIED:
        this.logger.error(`watch refused: ${error.details}; check the bridge's mops token`);
        return this.maxBackoffMs;
      default:
        break;
    }
    const pause = this.nextBackoff();
    this.logger.warn(`watch ended (${error.code ?? 'error'}: ${error.details ?? error.message}); retrying in ${pause} ms`);
    return pause;
  }

  nextBackoff() {
    const base = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
    // Jitter, so that bridges restarted together do not reconnect in step.
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  sleep(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
