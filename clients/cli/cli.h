// What every command file uses: the global flags, printing in the format
// they chose, and running a command once the command line is parsed.
#ifndef MOPS_CLIENTS_CLI_CLI_H_
#define MOPS_CLIENTS_CLI_CLI_H_

#include <functional>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "clients/cli/client.h"
#include "clients/cli/output.h"
#include "clients/cli/rpc.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace mops::cli {

template <typename T>
google::protobuf::RepeatedPtrField<T> One(const T& item) {
  google::protobuf::RepeatedPtrField<T> out;
  *out.Add() = item;
  return out;
}

// The global flags, and printing in the format they chose.
struct Cli {
  GlobalFlags flags;

  Format format() const {
    return flags.output == "json" ? Format::kJson : Format::kTable;
  }
  // The JSON of `m`, or the table.
  void Print(const google::protobuf::Message& m,
             const std::function<Table()>& table) const;
  // The JSON of `item`, or a one-row table made by the function `table`
  // that makes the table of a list of such items.
  template <typename T, typename TableOf>
  void PrintOne(const T& item, TableOf table) const {
    Print(item, [&] { return table(One(item)); });
  }
  // The JSON of `m`, or what `text` writes to stdout.
  void PrintWith(const google::protobuf::Message& m,
                 const std::function<void()>& text) const;
  // The JSON of `m`, or `line` (such as "Deleted ...\n").
  void PrintDone(const google::protobuf::Message& m,
                 const std::string& line) const;
};

// When `cmd` is the command given, `body` becomes the action that main()
// runs once the whole command line is parsed (global flags may follow the
// command), outside CLI11: what it throws is a CliError, not a usage error.
void OnRun(CLI::App* cmd, std::function<void()>& action,
           std::function<void()> body);

// OnRun with a connection made from the global flags; `Connection` is an
// Rpc, as in OnCall<Rpc<api::TaskService>>(...).
template <typename Connection>
void OnCall(CLI::App* cmd, const Cli& cli, std::function<void()>& action,
            std::function<void(const Connection&)> body) {
  OnRun(cmd, action, [&cli, body = std::move(body)] {
    Client client(cli.flags);
    body(Connection(client));
  });
}

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_CLI_H_
