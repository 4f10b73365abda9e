#include "clients/cli/apply_file.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/cli/client.h"
#include "google/protobuf/util/json_util.h"
#include "yaml-cpp/yaml.h"

namespace mops::cli {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// The node as JSON. Plain true/false are booleans; every other scalar is
// a string (the JSON mapping takes numbers as strings too).
void ToJson(const YAML::Node& node, const std::string& key,
            const FileSyntax& syntax, std::string* out) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      *out += "null";
      return;
    case YAML::NodeType::Scalar: {
      std::string v = node.Scalar();
      const bool plain = node.Tag() == "?";
      if (plain && (v == "true" || v == "false")) {
        *out += v;
        return;
      }
      if (syntax.enum_fields.count(key)) v = absl::AsciiStrToUpper(v);
      if (syntax.list_fields.count(key)) {
        *out += "[" + Quote(v) + "]";
        return;
      }
      *out += Quote(v);
      return;
    }
    case YAML::NodeType::Sequence: {
      *out += "[";
      bool first = true;
      for (const YAML::Node& item : node) {
        if (!first) *out += ",";
        first = false;
        ToJson(item, "", syntax, out);
      }
      *out += "]";
      return;
    }
    case YAML::NodeType::Map: {
      *out += "{";
      bool first = true;
      for (const auto& kv : node) {
        if (!first) *out += ",";
        first = false;
        const std::string k = kv.first.as<std::string>();
        *out += Quote(k) + ":";
        ToJson(kv.second, k, syntax, out);
      }
      *out += "}";
      return;
    }
    default:
      *out += "null";
  }
}

// The longest list of scalars written on one line.
constexpr size_t kFlowListLength = 60;

// Block style throughout, and enum names as a file writes them.
void Restyle(YAML::Node node, const std::string& key,
             const FileSyntax& syntax) {
  if (node.IsScalar() && syntax.enum_fields.count(key)) {
    node = absl::AsciiStrToLower(node.Scalar());
  }
  if (node.IsMap()) {
    node.SetStyle(YAML::EmitterStyle::Block);
    for (auto kv : node) Restyle(kv.second, kv.first.as<std::string>(), syntax);
  } else if (node.IsSequence()) {
    // Flow style for a short list of scalars ([a, b]); a long one, one
    // item a line, so that a diff shows the item that changed.
    bool scalars = true;
    size_t length = 0;
    for (auto item : node) {
      scalars = scalars && item.IsScalar();
      if (item.IsScalar()) length += item.Scalar().size() + 2;
    }
    node.SetStyle(scalars && length <= kFlowListLength
                      ? YAML::EmitterStyle::Flow
                      : YAML::EmitterStyle::Block);
    for (auto item : node) Restyle(item, "", syntax);
  }
}

// Takes the file keys out of the top-level map `root`.
std::map<std::string, std::string> TakeFileKeys(YAML::Node& root,
                                                const std::string& source,
                                                const FileSyntax& syntax) {
  std::map<std::string, std::string> values;
  for (const std::string& key : syntax.file_keys) {
    if (!root[key]) continue;
    if (!root[key].IsScalar()) {
      throw CliError{kExitUsage,
                     absl::StrCat(source, ": ", key, " is a single value")};
    }
    values[key] = root[key].Scalar();
    root.remove(key);
  }
  return values;
}

}  // namespace

std::map<std::string, std::string> ParseMessageFile(
    const std::string& text, const std::string& source,
    const FileSyntax& syntax, const std::string& shape,
    google::protobuf::Message* message) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw CliError{kExitUsage,
                   absl::StrCat(source, ": line ", e.mark.line + 1, ", column ",
                                e.mark.column + 1, ": ", e.msg)};
  }
  if (!root.IsMap()) throw CliError{kExitUsage, source + ": " + shape};
  std::map<std::string, std::string> file_keys =
      TakeFileKeys(root, source, syntax);
  std::string json;
  ToJson(root, "", syntax, &json);
  google::protobuf::util::JsonParseOptions options;
  auto status =
      google::protobuf::util::JsonStringToMessage(json, message, options);
  if (!status.ok()) {
    throw CliError{kExitUsage,
                   absl::StrCat(source, ": ", std::string(status.message()))};
  }
  return file_keys;
}

std::string MessageYaml(const google::protobuf::Message& message,
                        const FileSyntax& syntax) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  YAML::Node node = YAML::Load(json);
  Restyle(node, "", syntax);
  YAML::Emitter out;
  out << node;
  return std::string(out.c_str()) + "\n";
}

std::string ReadFileFlag(const std::string& path) {
  std::ifstream in(path == "-" ? "/dev/stdin" : path, std::ios::binary);
  if (!in) throw CliError{kExitUsage, "-f: cannot read " + path};
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string UnifiedDiff(const std::string& a, const std::string& b,
                        const std::string& label_a,
                        const std::string& label_b) {
  if (a == b) return "";
  char dir[] = "/tmp/mops-diff-XXXXXX";
  if (mkdtemp(dir) == nullptr) return "(cannot make a temporary folder)\n";
  const std::string fa = std::string(dir) + "/a", fb = std::string(dir) + "/b";
  std::ofstream(fa) << a;
  std::ofstream(fb) << b;
  const std::string cmd =
      absl::StrCat("diff -u --label '", label_a, "' --label '", label_b, "' ",
                   fa, " ", fb, " 2>&1");
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  unlink(fa.c_str());
  unlink(fb.c_str());
  rmdir(dir);
  return out;
}

}  // namespace mops::cli
