// gRPC client of mopsd. The protos are loaded at run time from the repo's
// proto/ folder, so the bridge needs no generated code and no build step;
// google/protobuf/*.proto come with protobufjs (proto-loader's dependency).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const PROTO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../proto');

// Every call has a deadline (README "API conventions").
const DEFAULT_TIMEOUT_MS = 10_000;

let cachedPackage = null;

export function loadMopsPackage() {
  if (cachedPackage) return cachedPackage;
  const definition = protoLoader.loadSync(
    ['mops/v1/events.proto', 'mops/v1/identity.proto', 'mops/v1/approvals.proto'],
    {
      includeDirs: [PROTO_ROOT],
      keepCase: true, // field names as in the protos: next_after_revision
      longs: String, // uint64 revisions stay exact
      enums: String, // "APPROVE", "PENDING"
      defaults: true,
      oneofs: true, // event.payload names the set payload field
    },
  );
  cachedPackage = grpc.loadPackageDefinition(definition).mops.v1;
  return cachedPackage;
}

export class MopsClient {
  // `token`: the bearer token (a bot's for the bridge); `tlsCa`: PEM bytes to
  // speak TLS, else plaintext.
  constructor({ server, token, tlsCa = null }) {
    const pkg = loadMopsPackage();
    const creds = tlsCa ? grpc.credentials.createSsl(tlsCa) : grpc.credentials.createInsecure();
    this.token = token;
    // grpc-js shares one connection between stubs of the same address.
    this.services = {
      identity: new pkg.IdentityService(server, creds),
      approvals: new pkg.ApprovalService(server, creds),
      events: new pkg.EventService(server, creds),
    };
  }

  metadata(onBehalfOf) {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${this.token}`);
    // The person's permissions apply; mopsd checks the admin's grant.
    if (onBehalfOf) md.set('x-mops-on-behalf-of', onBehalfOf);
    return md;
  }

  // One unary call: call('approvals', 'GetApproval', {name}).
  call(service, method, request, { onBehalfOf = null, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    const stub = this.services[service];
    return new Promise((resolve, reject) => {
      stub[method](request, this.metadata(onBehalfOf), { deadline: Date.now() + timeoutMs }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
    });
  }

  // The active user whose chat_handle is `handle`, or null.
  async userByChatHandle(handle) {
    const res = await this.call('identity', 'ListUsers', { chat_handle: handle, page_size: 1 });
    return res.users[0] ?? null;
  }

  decide({ name, outcome, comment = '', requestId, onBehalfOf }) {
    return this.call(
      'approvals',
      'DecideApproval',
      { name, outcome, comment, request_id: requestId },
      { onBehalfOf },
    );
  }

  // A server stream of WatchEventsResponse; no deadline: it lives until the
  // server ends it or the caller cancels it.
  watch(request) {
    return this.services.events.WatchEvents(request, this.metadata(null));
  }

  close() {
    for (const stub of Object.values(this.services)) stub.close();
  }
}

// The revision mopsd names in the trailing metadata when a watch ends.
export function resumeRevisionOf(status) {
  const value = status?.metadata?.get('mops-resume-after-revision')?.[0];
  return value === undefined ? null : String(value);
}

export const Status = grpc.status;
