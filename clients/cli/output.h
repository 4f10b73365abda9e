// Table and JSON output for the CLI, following kubectl and gh: tables for
// people, the protobuf JSON mapping for scripts, colour only on a terminal
// and never with NO_COLOR.
#ifndef MOPS_CLIENTS_CLI_OUTPUT_H_
#define MOPS_CLIENTS_CLI_OUTPUT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace mops::cli {

enum class Format { kTable, kJson };

// True when stdout is a terminal and NO_COLOR is not set.
bool UseColor();

class Table {
 public:
  explicit Table(std::vector<std::string> headers)
      : headers_(std::move(headers)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Aligned columns; the header is bold when colour is on.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Columns on a terminal: East Asian wide characters and emoji take two,
// combining marks none, every other character one (glibc's wcwidth).
// Bytes that are not UTF-8 count one each.
size_t DisplayWidth(const std::string& text);
// `text` cut to at most `width` columns, ending with "…" when it was cut;
// never splits a character.
std::string Truncate(const std::string& text, size_t width);

std::string ToJson(const google::protobuf::Message& message);
// "2026-11-23 10:04 UTC", or "-" when unset.
std::string FormatTime(const google::protobuf::Timestamp& ts);
// "in 3h", "2d overdue", "now".
std::string RelativeTime(int64_t seconds_from_now);
// The enum value's name without its type prefix, lower case ("lead").
std::string EnumName(const std::string& name);
// The last path segment of a resource name ("users/ann" -> "ann").
std::string Id(const std::string& name);

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_OUTPUT_H_
