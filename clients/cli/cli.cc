#include "clients/cli/cli.h"

#include <iostream>

namespace mops::cli {

void Cli::Print(const google::protobuf::Message& m,
                const std::function<Table()>& table) const {
  std::cout << (format() == Format::kJson ? ToJson(m) : table().Render());
}

void Cli::PrintWith(const google::protobuf::Message& m,
                    const std::function<void()>& text) const {
  if (format() == Format::kJson) {
    std::cout << ToJson(m);
  } else {
    text();
  }
}

void Cli::PrintDone(const google::protobuf::Message& m,
                    const std::string& line) const {
  std::cout << (format() == Format::kJson ? ToJson(m) : line);
}

void OnRun(CLI::App* cmd, std::function<void()>& action,
           std::function<void()> body) {
  cmd->callback([&action, body = std::move(body)] { action = body; });
}

}  // namespace mops::cli
