// The bridge's memory across restarts, one JSON file:
//   revision   the watch's resume point (next_after_revision of the last
//              handled message), a decimal string since revisions are uint64;
//   approvals  approval name -> { messages: [{channel, ts}], notes: [...] }:
//              where each approval was posted, so later changes edit those
//              messages, and which thread notes (reminders, escalations) were
//              already posted, so a replayed event posts nothing twice.
// Each save writes a temporary file, syncs it and renames it over the old one:
// a crash leaves either the old or the new state, never half of one.
import fs from 'node:fs';
import path from 'node:path';

export class StateStore {
  constructor(file) {
    this.file = file;
    this.data = { revision: null, approvals: {} };
  }

  // A missing file is a first start; an unreadable one stops the bridge,
  // since starting over would post every open approval again.
  load() {
    let text;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if (e.code === 'ENOENT') return this;
      throw e;
    }
    const parsed = JSON.parse(text);
    this.data = { revision: parsed.revision ?? null, approvals: parsed.approvals ?? {} };
    return this;
  }

  get revision() {
    return this.data.revision;
  }

  set revision(value) {
    this.data.revision = String(value);
  }

  approval(name) {
    return this.data.approvals[name] ?? null;
  }

  setApproval(name, record) {
    this.data.approvals[name] = record;
  }

  // A finished approval changes no more: its messages need no further edits.
  forgetApproval(name) {
    delete this.data.approvals[name];
  }

  save() {
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, `${JSON.stringify(this.data, null, 1)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    // Make the rename itself durable.
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  }
}
