// Interoperability test: a real mopsd signs and delivers webhooks, receiver.js
// verifies them with the official `standardwebhooks` package.
//
// Needs the built server and CLI; paths from MOPSD and MOPS, by default
// ../../build/services/server/mopsd and ../../build/clients/cli/mops relative
// to this example's folder. Everything runs on free loopback ports in a
// temporary folder; every child process is killed at the end.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Webhook } from "standardwebhooks";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));
const receiverJs = path.join(exampleDir, "receiver.js");
const MOPSD = process.env.MOPSD
  ? path.resolve(process.env.MOPSD)
  : path.resolve(exampleDir, "../../build/services/server/mopsd");
const MOPS = process.env.MOPS
  ? path.resolve(process.env.MOPS)
  : path.resolve(exampleDir, "../../build/clients/cli/mops");

// How long to wait for something that should take milliseconds. Above the
// server's 5 s first retry, so a test fails on an assertion that says what
// happened rather than on a bare timeout.
const WAIT_MS = 10_000;

// ---- helpers ---------------------------------------------------------------

const children = new Set();

// Kills a child and waits for it to exit (SIGKILL if SIGTERM is not enough).
async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

// Last resort if the runner dies without running `after`.
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `check` until it returns a truthy value; fails with `what()` after
// WAIT_MS.
async function waitFor(check, what) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${WAIT_MS} ms waiting for ${typeof what === "function" ? what() : what}`);
    }
    await sleep(50);
  }
}

// A port that is free now: the webhook's URL must name the receiver's port
// before the receiver can start (it needs the secret that creating the
// webhook returns).
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// "whsec_" and the base64 of 32 random bytes, like a mops secret.
const randomSecret = () => "whsec_" + randomBytes(32).toString("base64");

// Starts receiver.js; resolves once it printed "listening on <port>".
async function startReceiver({ secret, port }) {
  const child = spawn(process.execPath, [receiverJs], {
    cwd: exampleDir,
    env: { ...process.env, PORT: String(port), WEBHOOK_SECRET: secret },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const r = { child, stdout: "", stderr: "", port: undefined };
  child.stdout.setEncoding("utf8").on("data", (s) => (r.stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s) => (r.stderr += s));
  // One parsed JSON line per event.
  r.events = () =>
    r.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  r.stop = () => stop(child);
  const m = await waitFor(() => {
    if (child.exitCode !== null) {
      assert.fail(`receiver exited with ${child.exitCode}: ${r.stderr}`);
    }
    return /listening on (\d+)/.exec(r.stderr);
  }, "the receiver to listen");
  r.port = Number(m[1]);
  return r;
}

// ---- the server and the CLI -------------------------------------------------

let tmp;
let mopsd;
let mopsdLog = "";
let cliEnv;

// Runs the mops CLI; resolves to its stdout (parsed when `-o json`).
function mops(...args) {
  return new Promise((resolve, reject) => {
    execFile(MOPS, args, { env: cliEnv, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`mops ${args.join(" ")} failed (${err.code ?? err.signal}): ${stderr}${stdout}`));
        return;
      }
      resolve(args.includes("json") ? JSON.parse(stdout) : stdout);
    });
  });
}

before(async () => {
  for (const [what, file] of [
    ["mopsd", MOPSD],
    ["mops", MOPS],
  ]) {
    assert.ok(
      fs.existsSync(file),
      `${what} not found at ${file}: build mops first, or set ${what.toUpperCase()} to the binary`,
    );
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mops-webhook-receiver-"));
  const portFile = path.join(tmp, "port");
  mopsd = spawn(
    MOPSD,
    [
      "--listen", "127.0.0.1:0",
      "--port-file", portFile,
      "--data-dir", path.join(tmp, "data"),
      // The receiver listens on loopback, which a webhook may not target
      // otherwise.
      "--webhook-allow-private-targets",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  children.add(mopsd);
  mopsd.stderr.setEncoding("utf8").on("data", (s) => (mopsdLog += s));
  // mopsd writes the port file (atomically) once it serves.
  const addr = await waitFor(() => {
    if (mopsd.exitCode !== null) assert.fail(`mopsd exited with ${mopsd.exitCode}: ${mopsdLog}`);
    return fs.existsSync(portFile) && fs.readFileSync(portFile, "utf8").trim();
  }, "mopsd's port file");
  const token = fs.readFileSync(path.join(tmp, "data", "admin.token"), "utf8").trim();
  cliEnv = {
    ...process.env,
    MOPS_SERVER: addr,
    MOPS_TOKEN: token,
    // Keeps the user's mops config out of it.
    XDG_CONFIG_HOME: tmp,
    NO_COLOR: "1",
  };
});

after(async () => {
  await Promise.all([...children].map(stop));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// ---- the tests --------------------------------------------------------------

describe("receiver.js against a real mopsd", () => {
  let receiverPort; // the port in the webhook's URL
  let receiver; // the running receiver.js, if any
  let secret; // the webhook's current secret
  let oldSecret; // its secret before the rotation
  const messageIds = {}; // project name -> webhook-id of its project.created

  after(() => receiver?.stop());

  test("verifies mops's signatures and deduplicates on webhook-id", async () => {
    receiverPort = await freePort();
    // Create the webhook first (a new webhook gets what commits after it),
    // then start the receiver with its secret, then make the events.
    const created = await mops(
      "-o", "json", "webhook", "create", "demo",
      "--url", `http://127.0.0.1:${receiverPort}/hooks`,
      "--type", "project.*",
    );
    assert.equal(created.webhook.name, "webhooks/demo");
    assert.match(created.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    secret = created.secret;

    receiver = await startReceiver({ secret, port: receiverPort });
    assert.equal(receiver.port, receiverPort);

    await mops("project", "create", "p1", "--title", "P1", "--team", "marketing");
    await mops("project", "create", "p2", "--title", "P2", "--team", "marketing");

    const events = await waitFor(
      () => receiver.events().length >= 2 && receiver.events(),
      () => `two events; receiver stdout: ${receiver.stdout} stderr: ${receiver.stderr}`,
    );
    assert.deepEqual(
      events.map((e) => [e.type, e.subject]).sort(),
      [
        ["project.created", "projects/p1"],
        ["project.created", "projects/p2"],
      ],
    );
    for (const e of events) {
      assert.match(e.id, /^evt_\d+_\d+$/);
      messageIds[e.subject.split("/")[1]] = e.id;
    }
    assert.doesNotMatch(receiver.stderr, /refused/);

    // A redelivery carries the original webhook-id: the receiver answers
    // 204 but does not handle the event again.
    const redeliver = await mops("-o", "json", "webhook", "redeliver", "demo", "--message-id", messageIds.p1);
    assert.equal(redeliver.queued, 1);
    const attempts = await waitFor(async () => {
      const { deliveries = [] } = await mops(
        "-o", "json", "webhook", "deliveries", "demo", "--message-id", messageIds.p1,
      );
      return deliveries.some((d) => d.redelivery && d.outcome === "SUCCEEDED") && deliveries;
    }, "the redelivery of p1 to succeed");
    assert.equal(attempts.find((d) => d.redelivery).statusCode, 204);
    assert.equal(receiver.events().length, 2, `no new line for a duplicate: ${receiver.stdout}`);
  });

  test("secret rotation: the new secret alone verifies, and so does the old one during the overlap", async () => {
    const rotated = await mops("-o", "json", "webhook", "rotate-secret", "demo");
    assert.match(rotated.secret, /^whsec_/);
    assert.notEqual(rotated.secret, secret);
    assert.ok(rotated.webhook.previousSecretExpireTime, "the old secret keeps signing for the overlap");
    oldSecret = secret;
    secret = rotated.secret;

    // A receiver that knows ONLY the new secret.
    await receiver.stop();
    receiver = await startReceiver({ secret, port: receiverPort });
    await mops("project", "create", "p3", "--title", "P3", "--team", "marketing");
    const [p3] = await waitFor(
      () => receiver.events().length >= 1 && receiver.events(),
      () => `p3's event with the new secret; receiver stdout: ${receiver.stdout} stderr: ${receiver.stderr}`,
    );
    assert.equal(p3.type, "project.created");
    assert.equal(p3.subject, "projects/p3");
    messageIds.p3 = p3.id;

    // A receiver that knows ONLY the old secret still verifies (a redelivery
    // is signed afresh, with both secrets).
    await receiver.stop();
    receiver = await startReceiver({ secret: oldSecret, port: receiverPort });
    await mops("webhook", "redeliver", "demo", "--message-id", p3.id);
    const [again] = await waitFor(
      () => receiver.events().length >= 1 && receiver.events(),
      () => `p3's redelivery with the old secret; receiver stdout: ${receiver.stdout} stderr: ${receiver.stderr}`,
    );
    assert.equal(again.id, p3.id, "the same webhook-id");
    assert.equal(again.subject, "projects/p3");

    // The log: every attempt so far succeeded, at the first try.
    const { deliveries } = await mops("-o", "json", "webhook", "deliveries", "demo");
    assert.equal(deliveries.length, 5, JSON.stringify(deliveries, null, 1)); // p1, p2, p1 again, p3, p3 again
    for (const d of deliveries) {
      assert.equal(d.outcome, "SUCCEEDED", JSON.stringify(d));
      assert.equal(d.statusCode, 204);
      assert.equal(d.attempt, 1);
      assert.equal(d.eventType, "project.created");
    }
    assert.deepEqual(
      [...new Set(deliveries.map((d) => d.messageId))].sort(),
      [messageIds.p1, messageIds.p2, messageIds.p3].sort(),
    );
  });

  test("a wrong secret gets 400, which mops logs and retries", async () => {
    await receiver.stop();
    receiver = await startReceiver({ secret: randomSecret(), port: receiverPort });
    await mops("project", "create", "p4", "--title", "P4", "--team", "marketing");

    const refused = await waitFor(async () => {
      const { deliveries = [] } = await mops("-o", "json", "webhook", "deliveries", "demo");
      return deliveries.find((d) => d.statusCode === 400);
    }, () => `an attempt answered 400; receiver stderr: ${receiver.stderr}`);
    assert.equal(refused.outcome, "RETRYING", JSON.stringify(refused));
    assert.equal(refused.eventType, "project.created");
    assert.equal(refused.attempt, 1);
    assert.ok(refused.nextAttemptTime, "a next attempt is scheduled");
    assert.match(refused.responseExcerpt ?? "", /No matching signature found/);
    assert.match(receiver.stderr, new RegExp(`refused ${refused.messageId}: No matching signature found`));
    assert.equal(receiver.stdout, "", "nothing handled");
  });
});

// ---- receiver.js alone (no server needed) ----------------------------------

describe("receiver.js alone", () => {
  test("says clearly that WEBHOOK_SECRET is missing", async () => {
    const env = { ...process.env, PORT: "0" };
    delete env.WEBHOOK_SECRET;
    const { code, stderr } = await new Promise((resolve) => {
      execFile(process.execPath, [receiverJs], { env, timeout: 10_000 }, (err, _stdout, stderr) =>
        resolve({ code: err?.code ?? 0, stderr }),
      );
    });
    assert.equal(code, 2);
    assert.match(stderr, /WEBHOOK_SECRET is not set/);
  });

  test("PORT=0 picks a port; unsigned or tampered requests get 400, duplicates 204 once handled", async () => {
    const secret = randomSecret();
    const r = await startReceiver({ secret, port: 0 });
    try {
      assert.ok(r.port > 0);
      const url = `http://127.0.0.1:${r.port}/hooks`;
      const body = JSON.stringify({
        type: "project.created",
        timestamp: new Date().toISOString(),
        data: { revision: "7", index: 0, type: "project.created", subject: "projects/x" },
      });
      const id = "evt_7_0";
      const ts = Math.floor(Date.now() / 1000);
      const signature = new Webhook(secret).sign(id, new Date(ts * 1000), body);
      const headers = {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(ts),
        "webhook-signature": `v1,bm90IHRoZSBzaWduYXR1cmU= ${signature}`, // any match is enough
      };
      const post = (h, b = body) => fetch(url, { method: "POST", headers: h, body: b });

      assert.equal((await post({ "content-type": "application/json" })).status, 400, "unsigned");
      assert.equal((await post(headers, body.replace("projects/x", "projects/y"))).status, 400, "tampered");
      const old = { ...headers, "webhook-timestamp": String(ts - 600) };
      old["webhook-signature"] = new Webhook(secret).sign(id, new Date((ts - 600) * 1000), body);
      assert.equal((await post(old)).status, 400, "too old");
      assert.equal((await fetch(url)).status, 405, "GET");
      assert.equal(r.stdout, "");

      assert.equal((await post(headers)).status, 204);
      assert.equal((await post(headers)).status, 204, "a duplicate is still a success");
      assert.deepEqual(r.events(), [{ id, type: "project.created", subject: "projects/x", revision: "7" }]);
    } finally {
      await r.stop();
    }
  });
});
