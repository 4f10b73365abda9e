// A minimal receiver for mops webhooks, to copy and adapt.
//
// mops POSTs each event a webhook matches to its URL, one event per request,
// signed per Standard Webhooks (https://www.standardwebhooks.com):
//
//   webhook-id:        evt_{revision}_{index}: the same in every retry and
//                      redelivery of an event, so deduplicate on it
//   webhook-timestamp: unix seconds of this attempt
//   webhook-signature: "v1,<base64 HMAC-SHA256 of id.timestamp.body>"; during
//                      a secret rotation several, space-separated
//   body:              {"type":"project.created","timestamp":"...Z",
//                       "data":{...the mops.v1.Event, protobuf JSON...}}
//
// Any 2xx answer is a success; anything else (or no answer within 15 s) is
// retried on a schedule: at once, 5 s, 5 min, 30 min, ... for about 3.5 days.
//
// Run:   WEBHOOK_SECRET=whsec_... PORT=8080 node receiver.js
// Prints one JSON line per new event on stdout, diagnostics on stderr.

import http from "node:http";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

// ---- configuration -------------------------------------------------------

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error(
    "receiver: WEBHOOK_SECRET is not set. Set it to the webhook's signing " +
      "secret (whsec_...), shown once by 'mops webhook create' and " +
      "'mops webhook rotate-secret'.",
  );
  process.exit(2);
}

const portText = process.env.PORT ?? "8080";
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) {
  console.error(`receiver: PORT must be a number from 0 to 65535, not '${portText}'`);
  process.exit(2);
}

// The library takes the "whsec_..." secret as it is: it strips the prefix and
// base64-decodes the rest into the HMAC key.
let webhook;
try {
  webhook = new Webhook(secret);
} catch (err) {
  console.error(`receiver: WEBHOOK_SECRET is not a valid whsec_ secret: ${err.message}`);
  process.exit(2);
}

// Bodies are one event each, a few KiB; refuse anything absurdly large
// before buffering it.
const MAX_BODY_BYTES = 1024 * 1024;

// ---- deduplication -------------------------------------------------------

// Delivery is at least once: a retry after a lost answer, a server restart
// mid-attempt, or a 'mops webhook redeliver' sends an event again with the
// same webhook-id. This Set only lives as long as the process; a real receiver
// stores the ids it has processed (a database table with a unique key, Redis
// SET NX, ...) for at least as long as retries last (about 3.5 days; longer if
// you redeliver old ranges), ideally in the same transaction as the work the
// event triggers.
const seen = new Set();

// ---- the work ------------------------------------------------------------

// Whatever the bot does with an event. Keep the request path fast: answer 2xx
// first and do slow work (calls to other services, ...) from a queue, or the
// 15 s timeout turns a slow receiver into retries and duplicates.
function handleEvent(id, event) {
  const e = event.data ?? {};
  // event.type is the same as e.type; e.subject is the resource's canonical
  // name ("projects/q1-launch"); e.revision and e.index order the events.
  console.log(
    JSON.stringify({ id, type: event.type, subject: e.subject, revision: e.revision, time: e.time }),
  );
}

// ---- HTTP ----------------------------------------------------------------

function answer(res, status, text) {
  if (text === undefined) {
    res.writeHead(status).end();
  } else {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(text + "\n");
  }
}

const server = http.createServer((req, res) => {
  if (req.method !== "POST") {
    answer(res, 405, "POST only");
    return;
  }

  // Verify the RAW bytes as they arrived: parsing the JSON and serializing
  // it again would change them and break the signature.
  const chunks = [];
  let size = 0;
  let tooLarge = false;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      tooLarge = true;
    } else if (!tooLarge) {
      chunks.push(chunk);
    }
  });
  req.on("error", () => res.destroy());
  req.on("end", () => {
    if (tooLarge) {
      answer(res, 413, "body too large");
      return;
    }
    const body = Buffer.concat(chunks);

    let event;
    try {
      // Checks the signature against every one in webhook-signature (any
      // match is enough: that is how secret rotation works), refuses a
      // webhook-timestamp more than 5 minutes off (replays), then parses
      // the JSON. Node gives header names in lower case, as it expects.
      event = webhook.verify(body, req.headers);
    } catch (err) {
      // Not from mops (or a wrong secret): 400. mops records the status in
      // its delivery log ('mops webhook deliveries') and retries.
      const why = err instanceof WebhookVerificationError ? err.message : `bad body: ${err.message}`;
      console.error(`receiver: refused ${req.headers["webhook-id"] ?? "(no webhook-id)"}: ${why}`);
      answer(res, 400, why);
      return;
    }

    // Deduplicate only after verifying: an unverified id proves nothing.
    const id = req.headers["webhook-id"];
    if (seen.has(id)) {
      answer(res, 204); // Already handled: still a success, or mops retries.
      return;
    }

    try {
      handleEvent(id, event);
    } catch (err) {
      // Not marked as seen: the non-2xx answer makes mops try again later.
      console.error(`receiver: handling ${id} failed: ${err.stack ?? err}`);
      answer(res, 500, "handler failed");
      return;
    }
    seen.add(id);
    answer(res, 204);
  });
});

server.listen(port, () => {
  // With PORT=0 the system picked a free port: say which.
  console.error(`listening on ${server.address().port}`);
});

server.on("error", (err) => {
  console.error(`receiver: ${err.message}`);
  process.exit(1);
});

// Stop cleanly on Ctrl-C and on 'kill' (what a process manager sends).
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    // Idle keep-alive connections would hold close() open.
    server.closeAllConnections?.();
  });
}
