// The data folder: its format version, the column families the key spaces
// name, the format 1 -> 2 move, and folders that are not ours.
#include <filesystem>
#include <map>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "tests/testing/raw_db.h"
#include "tests/testing/temp_dir.h"

namespace mops::storage {
namespace {

using ::mops::testing::RawDb;
using ::mops::testing::SetStoredFormatVersion;
using ::testing::HasSubstr;

// Test spaces: two index spaces with families of their own, one without.
constexpr KeySpace kRows{0x20, "rows", Cf::kRecords};
constexpr KeySpace kIdxA{0x80, "index a", Cf::kIndex, HeadShape::kFirstString,
                         "index.a"};
constexpr KeySpace kIdxB{0x81, "index b", Cf::kIndex, HeadShape::kFirstByte,
                         "index.b"};
constexpr KeySpace kIdxShared{0x90, "index shared", Cf::kIndex};

KeySpaceRegistry Spaces(bool with_b = true) {
  KeySpaceRegistry spaces;
  spaces.Add(kRows);
  spaces.Add(kIdxA);
  if (with_b) spaces.Add(kIdxB);
  spaces.Add(kIdxShared);
  return spaces;
}

std::string RowA(absl::string_view parent, uint64_t i) {
  return KeyBuilder(kIdxA).Str(parent).U64(i).Build();
}
std::string RowB(uint8_t group, uint64_t i) {
  return KeyBuilder(kIdxB).U8(group).U64(i).Build();
}
std::string Record(absl::string_view id) {
  return KeyBuilder(kRows).Str(id).Build();
}

std::vector<std::string> FamilyNames(bool with_own_families) {
  std::vector<std::string> out(kCfNames.begin(), kCfNames.end());
  if (with_own_families) {
    out.emplace_back("index.a");
    out.emplace_back("index.b");
  }
  return out;
}

std::map<std::string, std::pair<uintmax_t, std::filesystem::file_time_type>>
Snapshot(const std::string& path) {
  std::map<std::string, std::pair<uintmax_t, std::filesystem::file_time_type>>
      out;
  for (const auto& e : std::filesystem::directory_iterator(path)) {
    out[e.path().filename()] = {e.file_size(), e.last_write_time()};
  }
  return out;
}

// Opening `path` fails with FAILED_PRECONDITION and changes no file;
// returns the message.
std::string RefusedOpen(const std::string& path,
                        const KeySpaceRegistry& spaces = Spaces()) {
  auto before = Snapshot(path);
  EngineOptions options;
  options.path = path;
  options.key_spaces = spaces;
  auto engine = Engine::Open(options);
  EXPECT_FALSE(engine.ok());
  if (engine.ok()) return "";
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Snapshot(path), before);
  return std::string(engine.status().message());
}

class DataFolderTest : public ::testing::Test {
 protected:
  std::unique_ptr<Engine> Open(const KeySpaceRegistry& spaces = Spaces()) {
    EngineOptions options;
    options.path = dir_.Sub("db");
    options.key_spaces = spaces;
    auto engine = Engine::Open(options);
    EXPECT_TRUE(engine.ok()) << engine.status();
    if (!engine.ok()) return nullptr;
    (*engine)->Start();
    return std::move(*engine);
  }

  static Engine::Command Put(Cf cf, std::string key, std::string value) {
    return [cf, key, value](Txn& txn) {
      txn.Put(cf, key, value);
      return absl::OkStatus();
    };
  }

  static std::optional<std::string> Read(const Reader& reader, Cf cf,
                                         const std::string& key) {
    auto v = reader.Get(cf, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  }

  // Every key of `space` in `cf`, read through the engine.
  static std::vector<std::string> Scan(const Reader& reader, Cf cf,
                                       const KeySpace& space) {
    std::vector<std::string> seen;
    EXPECT_TRUE(reader
                    .Scan(cf, KeyBuilder(space).Build(), "",
                          [&](absl::string_view key, absl::string_view) {
                            seen.emplace_back(key);
                            return true;
                          })
                    .ok());
    return seen;
  }

  mops::testing::TempDir dir_;
};

TEST_F(DataFolderTest, UnknownFormatVersionFailsAndTouchesNothing) {
  {
    auto engine = Open();
    ASSERT_TRUE(engine->Execute(Put(Cf::kRecords, Record("k"), "v")).ok());
  }
  SetStoredFormatVersion(dir_.Sub("db"), "99");
  const std::string message = RefusedOpen(dir_.Sub("db"));
  EXPECT_THAT(message, HasSubstr("format version \"99\""));
  EXPECT_THAT(message, HasSubstr("only versions 1 to 3"));

  // Put the version back: the data is intact.
  SetStoredFormatVersion(dir_.Sub("db"), "3");
  auto reopened = Open();
  EXPECT_EQ(Read(*reopened, Cf::kRecords, Record("k")), "v");
}

// An index space with a family of its own is stored there, and reads find
// it there; other index rows (a space without one, or no space at all) are
// in "index".
TEST_F(DataFolderTest, IndexRowsAreStoredInTheirSpacesFamilies) {
  const std::string a = RowA("u1", 5);
  const std::string b = RowB(0, 5);
  const std::string shared = KeyBuilder(kIdxShared).Str("x").Build();
  const std::string unregistered = "\x91other-space";
  {
    auto engine = Open();
    ASSERT_TRUE(engine
                    ->Execute([&](Txn& txn) {
                      txn.Put(Cf::kIndex, a, "covered");
                      txn.Put(Cf::kIndex, b, "");
                      txn.Put(Cf::kIndex, shared, "s");
                      txn.Put(Cf::kIndex, unregistered, "x");
                      return absl::OkStatus();
                    })
                    .ok());
    EXPECT_EQ(Scan(*engine, Cf::kIndex, kIdxA), std::vector<std::string>{a});
    EXPECT_EQ(Read(*engine, Cf::kIndex, a), "covered");
    EXPECT_EQ(Read(*engine, Cf::kIndex, b), "");
    EXPECT_EQ(Read(*engine, Cf::kIndex, unregistered), "x");
  }
  RawDb raw(dir_.Sub("db"));
  EXPECT_EQ(raw.Keys("index.a"), std::vector<std::string>{a});
  EXPECT_EQ(raw.Keys("index.b"), std::vector<std::string>{b});
  EXPECT_EQ(raw.Keys("index"),
            (std::vector<std::string>{shared, unregistered}));
  EXPECT_EQ(raw.Get("default", keys::MetaFormatVersion()), "3");
}

// A folder of data format 1 kept every index row in "index"; opening it
// moves the rows of each space with a family of its own there, including
// after a start that died halfway through the move, and goes on to 3.
TEST_F(DataFolderTest, AFormat1FolderHasItsIndexRowsMovedWhenOpened) {
  std::vector<std::string> a_rows, b_rows;
  const std::string shared = KeyBuilder(kIdxShared).Str("x").Build();
  {
    RawDb raw(dir_.Sub("db"), FamilyNames(/*with_own_families=*/false));
    raw.Put("default", keys::MetaFormatVersion(), "1");
    raw.Put("default", keys::MetaLastRevision(), "7");
    raw.Put("records", Record("r"), "record");
    for (int i = 0; i < 25000; ++i) {
      a_rows.push_back(RowA("u1", i));
      b_rows.push_back(RowB(0, i));
      raw.Put("index", a_rows.back(), absl::StrCat("v", i));
      raw.Put("index", b_rows.back(), "");
    }
    raw.Put("index", shared, "");
  }
  {
    // As if an earlier start had died halfway: the rows of space a are in
    // their new family (and gone from "index"), the rest are not.
    RawDb raw(dir_.Sub("db"), FamilyNames(/*with_own_families=*/true));
    for (const std::string& key : a_rows) {
      raw.Put("index.a", key, *raw.Get("index", key));
      raw.Delete("index", key);
    }
  }

  {
    auto engine = Open();
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(engine->committed_revision(), 7u);
    EXPECT_EQ(Read(*engine, Cf::kRecords, Record("r")), "record");
    EXPECT_EQ(Scan(*engine, Cf::kIndex, kIdxA), a_rows);
    EXPECT_EQ(Scan(*engine, Cf::kIndex, kIdxB), b_rows);
    EXPECT_EQ(Read(*engine, Cf::kIndex, shared), "");
  }
  RawDb raw(dir_.Sub("db"));
  EXPECT_EQ(raw.Get("default", keys::MetaFormatVersion()), "3");
  EXPECT_EQ(raw.Keys("index"), std::vector<std::string>{shared});
  EXPECT_EQ(raw.Keys("index.a"), a_rows);
  EXPECT_EQ(raw.Keys("index.b"), b_rows);
}

// Opened with key spaces that do not name a family the folder holds (a
// mopsd without the domain that wrote it), the engine refuses, naming the
// family, and changes nothing: its rows would be out of reach.
TEST_F(DataFolderTest, AFamilyNoKeySpaceNamesIsAClearError) {
  {
    auto engine = Open();
    ASSERT_TRUE(engine->Execute(Put(Cf::kIndex, RowB(1, 2), "b")).ok());
  }
  const std::string message =
      RefusedOpen(dir_.Sub("db"), Spaces(/*with_b=*/false));
  EXPECT_THAT(message, HasSubstr("column family \"index.b\""));
  EXPECT_THAT(message, HasSubstr("no registered key space names"));

  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(Read(*engine, Cf::kIndex, RowB(1, 2)), "b");
}

// A space registered later (a new domain) gets its family on the next start.
TEST_F(DataFolderTest, ANewSpaceGetsItsFamilyOnTheNextStart) {
  { ASSERT_NE(Open(Spaces(/*with_b=*/false)), nullptr); }
  EXPECT_FALSE(RawDb(dir_.Sub("db")).Has("index.b"));
  {
    auto engine = Open();
    ASSERT_TRUE(engine->Execute(Put(Cf::kIndex, RowB(0, 1), "")).ok());
  }
  EXPECT_EQ(RawDb(dir_.Sub("db")).Keys("index.b"),
            std::vector<std::string>{RowB(0, 1)});
}

// Key spaces that do not validate fail the open before the folder is made.
TEST_F(DataFolderTest, InvalidKeySpacesFailTheOpenAndTouchNothing) {
  KeySpaceRegistry spaces = Spaces();
  spaces.Add({0xE0, "clashes with events", Cf::kEvents});
  EngineOptions options;
  options.path = dir_.Sub("db");
  options.key_spaces = spaces;
  auto engine = Engine::Open(options);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(engine.status().message(),
              HasSubstr("\"clashes with events\" and \"event\" both use "
                        "prefix 0xE0"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("db")));
}

// A first start that died before writing the version left an empty
// database: it opens. One that holds data without a version does not.
TEST_F(DataFolderTest, AFolderWithoutAVersionOpensOnlyWhenEmpty) {
  { RawDb raw(dir_.Sub("db"), FamilyNames(/*with_own_families=*/false)); }
  {
    auto engine = Open();
    ASSERT_NE(engine, nullptr);
    ASSERT_TRUE(engine->Execute(Put(Cf::kRecords, Record("k"), "v")).ok());
  }
  EXPECT_EQ(RawDb(dir_.Sub("db")).Get("default", keys::MetaFormatVersion()),
            "3");

  {
    RawDb raw(dir_.Sub("other"), FamilyNames(/*with_own_families=*/false));
    raw.Put("records", Record("r"), "record");
  }
  EXPECT_THAT(RefusedOpen(dir_.Sub("other")),
              HasSubstr("has no data format version"));
}

TEST_F(DataFolderTest, RefusesAFolderThatHoldsSomethingElse) {
  std::filesystem::create_directories(dir_.Sub("db"));
  std::FILE* f = std::fopen(dir_.Sub("db/notes.txt").c_str(), "w");
  std::fclose(f);
  EngineOptions options;
  options.path = dir_.Sub("db");
  auto engine = Engine::Open(options);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(engine.status().message(), HasSubstr("not empty"));
}

}  // namespace
}  // namespace mops::storage
