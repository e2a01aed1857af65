#pragma once
/// GoogleTest support: a test whose body runs under many schedules.
///
///   WEFT_EXPLORE_TEST(Bank, TransfersKeepTheTotal, {.runs = 500}) {
///     ... co_await ...;
///     WEFT_CHECK(total == 100);
///   }
///
/// A failure prints the shrunk trace, the race and the token; with the
/// environment variable WEFT_REPLAY=TOKEN the test replays that schedule
/// instead of exploring, and prints its trace.

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "weft/sim/test.hpp"

namespace weft::sim {

/// Explores `body` (or replays $WEFT_REPLAY) and adds a gtest failure if a run failed.
inline void expect_no_failure(test_body body, const explore_options& opts, body_options bopts = {}) {
  if (const char* token = std::getenv("WEFT_REPLAY"); token && *token) {
    run_result out = replay(std::move(body), token, bopts);
    std::string text = "replayed " + std::string(token) + ":\n";
    for (const auto& l : out.trace) text += "  " + l + "\n";
    if (!out.failed)
      std::printf("%s  (passes)\n", text.c_str());
    else
      ADD_FAILURE() << text << "  fails: " << out.failed->message();
    return;
  }
  report r = explore(std::move(body), opts, bopts);
  if (r.failures || !r.nondeterminism.empty()) {
    const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
    ADD_FAILURE() << format_report(r, opts, t ? std::string(t->test_suite_name()) + "." + t->name() : "test body");
  }
}

}  // namespace weft::sim

/// Defines a gtest TEST whose body is a coroutine explored under `options`
/// (a weft::sim::explore_options initialiser).
#define WEFT_EXPLORE_TEST(suite, name, ...)                                      \
  static ::weft::coro<void> suite##_##name##_weft_body();                        \
  TEST(suite, name) {                                                            \
    ::weft::sim::expect_no_failure(&suite##_##name##_weft_body,                  \
                                   ::weft::sim::explore_options __VA_ARGS__);    \
  }                                                                              \
  static ::weft::coro<void> suite##_##name##_weft_body()
