// One command's connection to one gRPC service: its stub, and a fresh
// context (deadline, credentials) for every call, so that a command file
// names only the method and the request.
#ifndef MOPS_CLIENTS_CLI_RPC_H_
#define MOPS_CLIENTS_CLI_RPC_H_

#include <chrono>
#include <memory>
#include <utility>

#include "clients/cli/client.h"
#include "clients/cli/list.h"
#include "grpcpp/grpcpp.h"

namespace mops::cli {

template <typename Service>
class Rpc {
 public:
  using Stub = typename Service::Stub;
  // A unary method of the stub, such as &IdentityService::Stub::GetTeam.
  template <typename Req, typename Resp>
  using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Req&,
                                        Resp*);

  explicit Rpc(const Client& client)
      : client_(client), stub_(Service::NewStub(client.channel())) {}

  const Client& client() const { return client_; }

  // One call; a failed status throws CliError. `at_least` lengthens the
  // deadline (see Client::NewContext).
  template <typename Req, typename Resp>
  Resp Call(Method<Req, Resp> method, const Req& req,
            std::chrono::milliseconds at_least = {}) const {
    Resp resp;
    auto ctx = client_.NewContext(at_least);
    client_.Check((stub_.get()->*method)(ctx.get(), req, &resp));
    return resp;
  }

  // Every page of a List method, merged (list.h).
  template <typename Req, typename Resp>
  Resp ListAll(Method<Req, Resp> method, Req req) const {
    return ::mops::cli::ListAll<Resp>(client_, std::move(req), Bind(method));
  }

  // At most `limit` items, 0: all (list.h).
  template <typename Req, typename Resp, typename Items>
  Resp ListUpTo(Method<Req, Resp> method, Req req, int limit,
                Items items) const {
    return ::mops::cli::ListUpTo<Resp>(client_, std::move(req), limit, items,
                                       Bind(method));
  }

 private:
  template <typename Req, typename Resp>
  auto Bind(Method<Req, Resp> method) const {
    return
        [this, method](grpc::ClientContext* ctx, const Req& req, Resp* resp) {
          return (stub_.get()->*method)(ctx, req, resp);
        };
  }

  const Client& client_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_RPC_H_
