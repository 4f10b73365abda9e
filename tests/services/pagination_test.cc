#include "services/common/pagination.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "mops/v1/projects.pb.h"

namespace mops::services {
namespace {

using mops::internal::v1::PageCursor;

// Rows with few distinct values (ties broken by the row key) and some
// absent ones, offered in random order.
std::vector<std::pair<SortKey, v1::Project>> RandomRows(absl::BitGen& rng,
                                                        int n) {
  std::vector<std::pair<SortKey, v1::Project>> rows;
  for (int i = 0; i < n; ++i) {
    SortKey k;
    k.absent = absl::Bernoulli(rng, 0.1);
    k.num = k.absent ? 0 : absl::Uniform(rng, 0, 20);
    k.row = absl::StrCat("row", absl::Dec(i, absl::kZeroPad5));
    v1::Project p;
    p.set_name(k.row);
    rows.emplace_back(std::move(k), std::move(p));
  }
  std::shuffle(rows.begin(), rows.end(), rng);
  return rows;
}

TEST(SortedPageTest, PagesMatchAFullSortWhateverTheOrderRowsCome) {
  absl::BitGen rng;
  for (int round = 0; round < 40; ++round) {
    const int n = absl::Uniform(rng, 0, 300);
    const size_t page_size = absl::Uniform<size_t>(rng, 1, 40);
    const bool desc = absl::Bernoulli(rng, 0.5);
    auto rows = RandomRows(rng, n);
    std::vector<std::string> want;
    {
      auto sorted = rows;
      std::sort(sorted.begin(), sorted.end(), [&](auto& a, auto& b) {
        return SortBefore(a.first, b.first, desc);
      });
      for (auto& r : sorted) want.push_back(r.first.row);
    }
    std::vector<std::string> got;
    PageCursor cursor;
    for (int pages = 0; pages <= n + 1; ++pages) {
      SortedPage<v1::Project> page(desc, cursor, "q", page_size);
      for (auto& [key, row] : rows) page.Add(key, row);
      google::protobuf::RepeatedPtrField<v1::Project> out;
      std::string next = page.Take(&out);
      ASSERT_LE(static_cast<size_t>(out.size()), page_size);
      for (const auto& p : out) got.push_back(p.name());
      if (next.empty()) break;
      ASSERT_EQ(static_cast<size_t>(out.size()), page_size)
          << "a short page before the end";
      auto decoded = DecodeCursor(next, "q");
      ASSERT_TRUE(decoded.ok()) << decoded.status();
      cursor = *decoded;
    }
    EXPECT_EQ(got, want) << "n=" << n << " page_size=" << page_size
                         << " desc=" << desc;
  }
}

TEST(SortedPageTest, LastFullPageHasNoNextToken) {
  absl::BitGen rng;
  auto rows = RandomRows(rng, 10);
  SortedPage<v1::Project> page(false, PageCursor(), "q", 10);
  for (auto& [key, row] : rows) page.Add(key, row);
  google::protobuf::RepeatedPtrField<v1::Project> out;
  EXPECT_EQ(page.Take(&out), "");
  EXPECT_EQ(out.size(), 10);
}

}  // namespace
}  // namespace mops::services
