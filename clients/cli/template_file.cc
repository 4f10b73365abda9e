#include "clients/cli/template_file.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/cli/client.h"
#include "google/protobuf/util/json_util.h"
#include "yaml-cpp/yaml.h"

namespace mops::cli {
namespace {

// Fields whose values are enum names.
const std::set<std::string>& EnumFields() {
  static const auto* fields =
      new std::set<std::string>{"type", "deadline_action", "deadlineAction"};
  return *fields;
}

// Repeated string fields a file may give as one scalar.
const std::set<std::string>& ListFields() {
  static const auto* fields = new std::set<std::string>{
      "after", "if_true", "ifTrue", "if_false", "ifFalse", "labels", "users"};
  return *fields;
}

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
void ToJson(const YAML::Node& node, const std::string& key, std::string* out) {
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
      if (EnumFields().count(key)) v = absl::AsciiStrToUpper(v);
      if (ListFields().count(key)) {
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
        ToJson(item, "", out);
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
        ToJson(kv.second, k, out);
      }
      *out += "}";
      return;
    }
    default:
      *out += "null";
  }
}

// Block style throughout, and enum names as a file writes them.
void Restyle(YAML::Node node, const std::string& key) {
  if (node.IsScalar() && EnumFields().count(key)) {
    node = absl::AsciiStrToLower(node.Scalar());
  }
  if (node.IsMap()) {
    node.SetStyle(YAML::EmitterStyle::Block);
    for (auto kv : node) Restyle(kv.second, kv.first.as<std::string>());
  } else if (node.IsSequence()) {
    bool scalars = true;
    for (auto item : node) scalars = scalars && item.IsScalar();
    node.SetStyle(scalars ? YAML::EmitterStyle::Flow
                          : YAML::EmitterStyle::Block);
    for (auto item : node) Restyle(item, "");
  }
}

}  // namespace

::mops::v1::WorkflowTemplate ParseTemplateFile(const std::string& text,
                                               const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw CliError{kExitUsage,
                   absl::StrCat(source, ": line ", e.mark.line + 1, ", column ",
                                e.mark.column + 1, ": ", e.msg)};
  }
  if (!root.IsMap()) {
    throw CliError{kExitUsage,
                   absl::StrCat(source,
                                ": a template file is a map with "
                                "name, team, variables, stages, ...")};
  }
  std::string json;
  ToJson(root, "", &json);
  ::mops::v1::WorkflowTemplate t;
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(json, &t, options);
  if (!status.ok()) {
    throw CliError{kExitUsage,
                   absl::StrCat(source, ": ", std::string(status.message()))};
  }
  if (t.name().empty()) {
    throw CliError{kExitUsage,
                   absl::StrCat(source,
                                ": name is required (the template's "
                                "id, such as campaign-launch)")};
  }
  if (t.name().find('/') == std::string::npos) {
    t.set_name("workflowTemplates/" + t.name());
  }
  return t;
}

std::string TemplateYaml(const ::mops::v1::WorkflowTemplate& t) {
  ::mops::v1::WorkflowTemplate spec = t;
  spec.clear_latest_version();
  spec.clear_draft_changed();
  spec.clear_etag();
  spec.clear_create_time();
  spec.clear_update_time();
  spec.set_name(spec.name().substr(spec.name().find('/') + 1));
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(spec, &json, options);
  YAML::Node node = YAML::Load(json);
  Restyle(node, "");
  YAML::Emitter out;
  out << node;
  return std::string(out.c_str()) + "\n";
}

}  // namespace mops::cli
