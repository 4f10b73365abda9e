#include "clients/cli/output.h"

#include <locale.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <cwchar>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"

namespace mops::cli {

bool UseColor() {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

namespace {

// The code point starting at text[*pos], advancing *pos past it; -1 (and
// one byte) when the bytes there are not UTF-8.
int32_t NextCodePoint(const std::string& text, size_t* pos) {
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char lead = byte(*pos);
  int extra = -1;  // continuation bytes after the lead
  if (lead < 0x80) {
    extra = 0;
  } else if ((lead >> 5) == 0x6) {
    extra = 1;
  } else if ((lead >> 4) == 0xE) {
    extra = 2;
  } else if ((lead >> 3) == 0x1E) {
    extra = 3;
  }
  if (extra < 0 || *pos + extra >= text.size()) {
    ++*pos;
    return -1;
  }
  int32_t cp = extra == 0 ? lead : lead & (0x3F >> extra);
  for (int i = 1; i <= extra; ++i) {
    if ((byte(*pos + i) & 0xC0) != 0x80) {
      ++*pos;
      return -1;
    }
    cp = (cp << 6) | (byte(*pos + i) & 0x3F);
  }
  *pos += extra + 1;
  return cp;
}

// wcwidth in a UTF-8 locale, whatever the process's own locale is.
int CodePointWidth(int32_t cp) {
  if (cp < 0) return 1;
  if (cp >= 0x20 && cp < 0x7F) return 1;
  static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
  if (utf8 == nullptr) return 1;
  const locale_t previous = uselocale(utf8);
  const int w = wcwidth(static_cast<wchar_t>(cp));
  uselocale(previous);
  return w < 0 ? 1 : w;
}

}  // namespace

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (size_t pos = 0; pos < text.size();) {
    width += CodePointWidth(NextCodePoint(text, &pos));
  }
  return width;
}

std::string Truncate(const std::string& text, size_t width) {
  if (DisplayWidth(text) <= width) return text;
  const std::string ellipsis = "…";
  size_t used = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t next = pos;
    const int w = CodePointWidth(NextCodePoint(text, &next));
    if (used + w + 1 > width) break;  // keep a column for the ellipsis
    used += w;
    pos = next;
  }
  return text.substr(0, pos) + ellipsis;
}

std::string Table::Render() const {
  std::vector<size_t> width(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i) {
    width[i] = DisplayWidth(headers_[i]);
  }
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(row[i]));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size() && i < width.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size())
        out += std::string(width[i] - DisplayWidth(cells[i]) + 3, ' ');
    }
    return out + "\n";
  };
  std::string header = line(headers_);
  if (UseColor())
    header = "\033[1m" + header.substr(0, header.size() - 1) + "\033[0m\n";
  std::string out = header;
  for (const auto& row : rows_) out += line(row);
  return out;
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = false;
  auto status =
      google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return "{}\n";
  return out;
}

std::string FormatTime(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "-";
  std::time_t t = static_cast<std::time_t>(ts.seconds());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string RelativeTime(int64_t seconds_from_now) {
  absl::Duration d = absl::Seconds(seconds_from_now);
  absl::Duration a = absl::AbsDuration(d);
  std::string amount;
  if (a < absl::Minutes(1)) return "now";
  if (a < absl::Hours(1)) {
    amount = absl::StrCat(absl::ToInt64Minutes(a), "m");
  } else if (a < absl::Hours(48)) {
    amount = absl::StrCat(absl::ToInt64Hours(a), "h");
  } else {
    amount = absl::StrCat(absl::ToInt64Hours(a) / 24, "d");
  }
  return d > absl::ZeroDuration() ? "in " + amount : amount + " overdue";
}

std::string EnumName(const std::string& name) {
  std::string out = name;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Id(const std::string& name) {
  size_t slash = name.find_last_of('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

}  // namespace mops::cli
