// mops calendar ...: business calendars (working hours, holidays), which
// approval deadlines in business time count against.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/commands.h"
#include "mops/v1/approvals.grpc.pb.h"

namespace mops::cli {
namespace {

namespace api = ::mops::v1;
using Calendars = Rpc<api::CalendarService>;
using CalendarStub = api::CalendarService::Stub;

// "mon-fri 09:00-17:00" or "sat 10:00-14:00" or "mon,wed 08:00-12:00".
std::vector<api::Calendar::WorkingHours> ParseHours(const std::string& spec) {
  static const std::map<std::string, int> kDays = {
      {"mon", 1}, {"tue", 2}, {"wed", 3}, {"thu", 4},
      {"fri", 5}, {"sat", 6}, {"sun", 7}};
  auto bad =
      CliError{kExitUsage, "--hours: \"" + spec +
                               "\" is not DAYS HH:MM-HH:MM, e.g. \"mon-fri "
                               "09:00-17:00\""};
  std::vector<std::string> words = absl::StrSplit(spec, ' ', absl::SkipEmpty());
  if (words.size() != 2) throw bad;
  std::vector<std::string> times = absl::StrSplit(words[1], '-');
  if (times.size() != 2) throw bad;
  std::set<int> days;
  for (const std::string& item :
       std::vector<std::string>(absl::StrSplit(words[0], ','))) {
    std::vector<std::string> range = absl::StrSplit(item, '-');
    auto a = kDays.find(absl::AsciiStrToLower(range[0]));
    auto b = kDays.find(absl::AsciiStrToLower(range.back()));
    if (range.size() > 2 || a == kDays.end() || b == kDays.end() ||
        a->second > b->second) {
      throw bad;
    }
    for (int d = a->second; d <= b->second; ++d) days.insert(d);
  }
  std::vector<api::Calendar::WorkingHours> out;
  for (int d : days) {
    api::Calendar::WorkingHours w;
    w.set_weekday(d);
    w.set_start(times[0]);
    w.set_end(times[1]);
    out.push_back(w);
  }
  return out;
}

void PrintCalendar(const Cli& cli, const api::Calendar& c) {
  cli.PrintWith(c, [&] {
    static const char* kNames[] = {"",    "mon", "tue", "wed",
                                   "thu", "fri", "sat", "sun"};
    std::cout << c.name()
              << (c.display_name().empty() ? "" : " (" + c.display_name() + ")")
              << "\nversion: " << c.version()
              << "\ntime zone: " << c.time_zone() << "\nworking hours:\n";
    for (const auto& w : c.working_hours()) {
      std::cout << "  " << kNames[std::clamp(w.weekday(), 0, 7)] << " "
                << w.start() << "-" << w.end() << "\n";
    }
    std::cout << "holidays: "
              << (c.holidays().empty() ? "-"
                                       : absl::StrJoin(c.holidays(), ", "))
              << "\n";
  });
}

void AddReads(CLI::App* calendar, Cli& cli, std::function<void()>& action) {
  auto id = std::make_shared<std::string>("default");
  auto version = std::make_shared<int64_t>(0);
  auto* get = calendar->add_subcommand("get", "Show a calendar");
  get->add_option("ID", *id, "Calendar id; default: default")
      ->default_val("default");
  get->add_option("--version", *version,
                  "A past version (see `calendar versions`); default: the "
                  "current one")
      ->check(CLI::PositiveNumber);
  OnCall<Calendars>(
      get, cli, action, [&cli, id, version](const Calendars& rpc) {
        api::GetCalendarRequest req;
        req.set_name("calendars/" + *id);
        req.set_version(*version);
        PrintCalendar(cli, rpc.Call(&CalendarStub::GetCalendar, req));
      });

  auto versions_id = std::make_shared<std::string>("default");
  auto* versions = calendar->add_subcommand(
      "versions", "Every version of a calendar, newest first");
  versions->add_option("ID", *versions_id, "Calendar id; default: default")
      ->default_val("default");
  OnCall<Calendars>(
      versions, cli, action, [&cli, versions_id](const Calendars& rpc) {
        api::ListCalendarVersionsRequest req;
        req.set_name("calendars/" + *versions_id);
        auto all = rpc.ListAll(&CalendarStub::ListCalendarVersions, req);
        cli.Print(all, [&] {
          Table t({"VERSION", "SINCE", "TIME ZONE", "HOLIDAYS"});
          for (const auto& c : all.calendars()) {
            t.AddRow({std::to_string(c.version()), FormatTime(c.update_time()),
                      c.time_zone(), std::to_string(c.holidays_size())});
          }
          return t;
        });
      });

  OnCall<Calendars>(
      calendar->add_subcommand("list", "List calendars"), cli, action,
      [&cli](const Calendars& rpc) {
        auto all = rpc.ListAll(&CalendarStub::ListCalendars,
                               api::ListCalendarsRequest());
        cli.Print(all, [&] {
          Table t({"ID", "TIME ZONE", "HOLIDAYS", "NAME"});
          for (const auto& c : all.calendars()) {
            t.AddRow({Id(c.name()), c.time_zone(),
                      std::to_string(c.holidays_size()), c.display_name()});
          }
          return t;
        });
      });
}

// The flags of create and update; update changes only the fields given.
struct CalendarFlags {
  std::string id = "default", display_name, time_zone, request_id;
  std::vector<std::string> hours, holidays;
  CLI::Option* display_name_opt = nullptr;
  CLI::Option* time_zone_opt = nullptr;
  CLI::Option* hours_opt = nullptr;
  CLI::Option* holidays_opt = nullptr;

  void Add(CLI::App* cmd, bool create) {
    auto* id_opt = cmd->add_option("ID", id, "Calendar id");
    if (create) id_opt->required();
    display_name_opt =
        cmd->add_option("--display-name", display_name, "Display name");
    time_zone_opt = cmd->add_option("--time-zone", time_zone,
                                    "IANA time zone, e.g. Europe/Berlin");
    hours_opt = cmd->add_option(
        "--hours", hours, "Working hours, repeatable: \"mon-fri 09:00-17:00\"");
    holidays_opt = cmd->add_option("--holiday", holidays,
                                   "Holiday YYYY-MM-DD, repeatable");
    if (create) {
      time_zone_opt->required();
      hours_opt->required();
      cmd->add_option(
          "--request-id", request_id,
          "Idempotency key: a retry with the same id changes nothing");
    }
  }
  api::Calendar Calendar() const {
    api::Calendar c;
    c.set_name("calendars/" + id);
    c.set_display_name(display_name);
    c.set_time_zone(time_zone);
    for (const auto& h : hours) {
      for (auto& w : ParseHours(h)) *c.add_working_hours() = w;
    }
    for (const auto& h : holidays) c.add_holidays(h);
    return c;
  }
  // The field paths of the flags given.
  std::vector<std::string> Paths() const {
    std::vector<std::string> paths;
    if (display_name_opt->count()) paths.push_back("display_name");
    if (time_zone_opt->count()) paths.push_back("time_zone");
    if (hours_opt->count()) paths.push_back("working_hours");
    if (holidays_opt->count()) paths.push_back("holidays");
    return paths;
  }
};

// update before create: the order `mops calendar --help` has always had.
void AddChanges(CLI::App* calendar, Cli& cli, std::function<void()>& action) {
  auto uf = std::make_shared<CalendarFlags>();
  auto* update = calendar->add_subcommand(
      "update",
      "Change a calendar (admins); the given fields replace the old ones");
  uf->Add(update, false);
  OnCall<Calendars>(update, cli, action, [&cli, uf](const Calendars& rpc) {
    api::UpdateCalendarRequest req;
    *req.mutable_calendar() = uf->Calendar();
    for (const std::string& path : uf->Paths()) {
      req.mutable_update_mask()->add_paths(path);
    }
    if (req.update_mask().paths().empty()) {
      throw CliError{kExitUsage,
                     "nothing to update: give --time-zone, --hours, "
                     "--holiday or --display-name"};
    }
    PrintCalendar(cli, rpc.Call(&CalendarStub::UpdateCalendar, req));
  });

  auto cf = std::make_shared<CalendarFlags>();
  auto* create =
      calendar->add_subcommand("create", "Create a calendar (admins)");
  cf->Add(create, true);
  OnCall<Calendars>(create, cli, action, [&cli, cf](const Calendars& rpc) {
    api::CreateCalendarRequest req;
    *req.mutable_calendar() = cf->Calendar();
    req.set_calendar_id(cf->id);
    req.set_request_id(cf->request_id);
    PrintCalendar(cli, rpc.Call(&CalendarStub::CreateCalendar, req));
  });
}

}  // namespace

void AddCalendar(CLI::App& app, Cli& cli, std::function<void()>& action) {
  auto* calendar = app.add_subcommand(
      "calendar", "Business calendars (working hours, holidays)");
  calendar->require_subcommand(1);
  AddReads(calendar, cli, action);
  AddChanges(calendar, cli, action);
}

}  // namespace mops::cli
