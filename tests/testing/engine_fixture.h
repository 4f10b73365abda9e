// The engine tests' fixture: an engine on a temporary folder with a fake
// clock and test timer kinds.
#ifndef MOPS_TESTS_TESTING_ENGINE_FIXTURE_H_
#define MOPS_TESTS_TESTING_ENGINE_FIXTURE_H_

#include <atomic>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/status_macros.h"
#include "tests/testing/temp_dir.h"

namespace mops::storage {

using mops::internal::v1::TimerRecord;

inline const absl::Time kStart = absl::FromUnixSeconds(1795000000);

class EngineTest : public ::testing::Test {
 protected:
  std::unique_ptr<Engine> OpenEngine(bool start = true) {
    EngineOptions options;
    options.path = dir_.Sub("db");
    options.clock = &clock_;
    auto engine = Engine::Open(options);
    EXPECT_TRUE(engine.ok()) << engine.status();
    if (!engine.ok()) return nullptr;
    (*engine)->RegisterTimerHandler("test.fire",
                                    [](Txn& txn, const TimerRecord& timer) {
                                      mops::v1::Event e;
                                      e.set_type("test.fired");
                                      e.set_subject(timer.target());
                                      txn.Emit(e);
                                      return absl::OkStatus();
                                    });
    (*engine)->RegisterTimerHandler(
        "test.flaky", [this](Txn& txn, const TimerRecord& timer) {
          if (flaky_failures_left_-- > 0) {
            txn.Put(Cf::kRecords, "written-by-failing-handler", "x");
            return absl::UnavailableError("not yet");
          }
          mops::v1::Event e;
          e.set_type("test.fired");
          e.set_subject(timer.target());
          txn.Emit(e);
          return absl::OkStatus();
        });
    if (start) (*engine)->Start();
    return std::move(*engine);
  }

  static Engine::Command PutCommand(std::string key, std::string value) {
    return [key, value](Txn& txn) {
      txn.Put(Cf::kRecords, key, value);
      mops::v1::Event e;
      e.set_type("test.put");
      e.set_subject(key);
      txn.Emit(e);
      return absl::OkStatus();
    };
  }

  static std::optional<std::string> Read(const Reader& reader,
                                         const std::string& key) {
    auto v = reader.Get(Cf::kRecords, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  }

  // Waits (bounded) until the feed holds an event of `type` for `subject`.
  static bool WaitForEvent(Engine& engine, const std::string& type,
                           const std::string& subject) {
    for (int i = 0; i < 500; ++i) {
      engine.WakeTimers();
      auto events = engine.ReadEvents(0, 100000);
      if (events.ok()) {
        for (const auto& e : *events) {
          if (e.type() == type && e.subject() == subject) return true;
        }
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }

  static bool HasEvent(Engine& engine, const std::string& type,
                       const std::string& subject) {
    auto events = engine.ReadEvents(0, 100000);
    for (const auto& e : *events) {
      if (e.type() == type && e.subject() == subject) return true;
    }
    return false;
  }

  mops::testing::TempDir dir_;
  FakeClock clock_{kStart};
  std::atomic<int> flaky_failures_left_{0};
};

}  // namespace mops::storage

#endif  // MOPS_TESTS_TESTING_ENGINE_FIXTURE_H_
