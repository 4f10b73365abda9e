// The files `apply` commands read (workflow templates, agreements): YAML
// (or JSON, which is YAML) to a message and back through yaml-cpp and the
// protobuf JSON mapping, so that a file has the API's field names and
// nothing else; reading -f, and the diff a --dry-run prints.
#ifndef MOPS_CLIENTS_CLI_APPLY_FILE_H_
#define MOPS_CLIENTS_CLI_APPLY_FILE_H_

#include <map>
#include <set>
#include <string>

#include "google/protobuf/message.h"

namespace mops::cli {

// What a kind of file writes more simply than the JSON mapping would take
// it; fields are named by key, in both spellings (deadline_action,
// deadlineAction).
struct FileSyntax {
  // Values are enum names, which may be written in lower case.
  std::set<std::string> enum_fields;
  // Repeated strings a file may give as one scalar (`after: brief`).
  std::set<std::string> list_fields;
  // Top-level scalar keys that are the file's own, not fields of the
  // message (an agreement file's `id`): taken out before the mapping.
  std::set<std::string> file_keys;
};

// Parses `text` (from `source`, for messages) into *message and returns the
// values of the file keys present. `shape` says what the file should be
// when it is not a map ("a template file is a map with name, ..."). Throws
// CliError (usage) naming the source and the problem: a YAML error's line
// and column, or the field the mapping refused.
std::map<std::string, std::string> ParseMessageFile(
    const std::string& text, const std::string& source,
    const FileSyntax& syntax, const std::string& shape,
    google::protobuf::Message* message);

// The message as a YAML document that ParseMessageFile reads back: proto
// field names, block style, lists of scalars in flow style, enum values in
// lower case.
std::string MessageYaml(const google::protobuf::Message& message,
                        const FileSyntax& syntax);

// The contents of the file given to -f ('-': standard input). Throws
// CliError (usage) naming -f when it cannot be read.
std::string ReadFileFlag(const std::string& path);

// `diff -u` of two texts (diffutils is in every Debian): "" when equal.
std::string UnifiedDiff(const std::string& a, const std::string& b,
                        const std::string& label_a, const std::string& label_b);

}  // namespace mops::cli

#endif  // MOPS_CLIENTS_CLI_APPLY_FILE_H_
