#include "services/feed/list_events.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/event_filter.h"

namespace mops::services::feed {

absl::Status ListEvents::Validate(const Request& req) const {
  if (req.page_size() < 0) {
    return absl::InvalidArgumentError("page_size must not be negative");
  }
  return EventFilter::Parse(req.filter(), "filter").status();
}

// Reads whole revisions until the page holds `limit` events or kMaxScanned
// were read, and continues after the last revision read to its end.
absl::Status ListEvents::Run(const storage::Reader&, const Principal& p,
                             const Request& req, Response* out) const {
  constexpr size_t kMaxScanned = 10000;
  absl::StatusOr<EventFilter> filter =
      EventFilter::Parse(req.filter(), "filter");
  if (!filter.ok()) return filter.status();
  const size_t limit =
      req.page_size() == 0 ? 100 : std::min(req.page_size(), 1000);
  // Read the head first: every event up to it is already readable.
  const uint64_t head = engine->committed_revision();
  out->set_head_revision(head);
  // The scan stops only between revisions (or at the head, which a whole
  // revision reaches at once), so the last revision it read is complete.
  uint64_t current = 0;
  size_t scanned = 0;
  bool full = false;  // stopped by the page's bounds, not by the head
  std::vector<v1::Event> page;
  absl::Status s = engine->ScanEvents(req.after_revision(), [&](v1::Event&& e) {
    if (e.revision() > head) return false;
    if (e.revision() != current) {
      if (page.size() >= limit || scanned >= kMaxScanned) {
        full = true;
        return false;
      }
      current = e.revision();
    }
    ++scanned;
    if (EventVisibleTo(p, e) && filter->Matches(e)) {
      page.push_back(std::move(e));
    }
    return true;
  });
  if (!s.ok()) return s;
  // Checked after the scan too: a trim that ran meanwhile raised it first.
  if (req.after_revision() + 1 < engine->first_event_revision()) {
    const uint64_t first = engine->first_event_revision();
    return absl::OutOfRangeError(absl::StrCat(
        "after_revision: ", req.after_revision(),
        " is past the feed's retention; the first revision kept is ", first,
        " (read on with after_revision ", first - 1, ")"));
  }
  // Read to the head: revisions after the last event's wrote no event (a
  // timer that found nothing to do), and are done too.
  const uint64_t done =
      full ? current : std::max<uint64_t>(req.after_revision(), head);
  out->set_next_after_revision(done);
  for (auto& e : page) *out->add_events() = std::move(e);
  return absl::OkStatus();
}

}  // namespace mops::services::feed
