#pragma once
/// GoogleTest support: a test whose body runs under many schedules.
///
///   WEFT_EXPLORE_TEST(Bank, TransfersKeepTheTotal, {.runs = 500}) {
///     ... co_await ...;
///     WEFT_CHECK(total == 100);
///   }
///
/// The third argument is the exploration (explore_options); a fourth, how
/// each run of the body goes (body_options):
///
///   WEFT_EXPLORE_TEST(Bank, NoLostErrors, {.runs = 500}, {.fail_on_unretrieved = true}) { ... }
///
/// A passing test prints how many schedules and distinct traces it covered.
/// A failure prints the shrunk trace, the race and the command that replays
/// it: WEFT_REPLAY=TOKEN with the test binary and --gtest_filter=Suite.Name.
/// With WEFT_REPLAY set, a test replays that schedule instead of exploring
/// and prints its trace; a test the token does not fit (it came from another
/// test) is skipped with a message. A body that logs no trace of its own
/// (sim::trace) is shown step by step, each step with its sites.
///
/// With WEFT_REPORT_DIR set, a failing test (or a replay) also writes the
/// pictures of its run there (write_run_pictures): Suite.Name.html, a
/// self-contained report, and Suite.Name.trace.json for Perfetto.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "weft/sim/report_format.hpp"
#include "weft/sim/run.hpp"
#include "weft/sim/schedule.hpp"
#include "weft/sim/test.hpp"

namespace weft::sim {

/// What a WEFT_EXPLORE_TEST runs with.
struct explore_test_options {
  explore_options explore{};  ///< the exploration: strategy, runs, seed, faults, jobs
  body_options body{};        ///< each run: livelock bound, unretrieved exceptions
};

namespace detail {

/// "Suite.Name" of the running gtest test.
inline std::string current_test_name() {
  const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
  return t ? std::string(t->test_suite_name()) + "." + t->name() : "test body";
}

/// The command that replays `token` on test `name` of this binary.
inline std::string replay_command(const std::string& token, const std::string& name) {
#ifdef __GLIBC__
  const std::string binary = program_invocation_name;
#else
  const std::string binary = "<test binary>";
#endif
  return "WEFT_REPLAY=" + token + " " + binary + " --gtest_filter=" + name;
}

/// Writes the pictures of a run if $WEFT_REPORT_DIR asks for them; the
/// lines to add to the test's output.
inline std::string write_pictures(const test_body& body, const schedule& s, const std::string& name,
                                  const std::string& token, bool shrunk, const body_options& bopts) {
  const char* dir = std::getenv("WEFT_REPORT_DIR");
  if (!dir || !*dir) return {};
  try {
    std::string text;
    for (const auto& path : write_run_pictures(body, s, dir, name, replay_command(token, name), shrunk, bopts))
      text += "  wrote " + path + "\n";
    return text;
  } catch (const std::exception& e) {
    return std::string("  WEFT_REPORT_DIR: ") + e.what() + "\n";
  }
}

}  // namespace detail

/// Explores `body` (or replays $WEFT_REPLAY) and adds a gtest failure if a run failed.
inline void expect_no_failure(test_body body, const explore_test_options& opts) {
  const std::string name = detail::current_test_name();
  if (const char* token = std::getenv("WEFT_REPLAY"); token && *token) {
    std::string error;
    const auto s = decode_token(token, error);
    if (!s) {
      ADD_FAILURE() << "WEFT_REPLAY is not a schedule token: " << error;
      return;
    }
    timeline t;
    try {
      t = body_timeline(body, *s, opts.body);
    } catch (const std::invalid_argument& e) {
      GTEST_SKIP() << "WEFT_REPLAY does not fit this test (a token replays the test it came from): " << e.what();
    }
    const run_result& out = t.result;
    std::string text = "replayed " + std::string(token) + ":\n";
    for (const auto& l : out.trace.empty() ? step_trace(t) : out.trace) text += "  " + l + "\n";
    for (const decision& d : t.decisions.decisions)
      if (d.choice) text += "  decision: " + describe(d) + "\n";
    text += detail::write_pictures(body, *s, name, token, false, opts.body);
    if (!out.failed)
      std::printf("%s  (passes)\n", text.c_str());
    else
      ADD_FAILURE() << text << "  fails: " << out.failed->message();
    return;
  }
  const report r = explore(body, opts.explore, opts.body);
  if (r.failures || !r.nondeterminism.empty()) {
    report_subject about{name, opts.explore, [&](const std::string& t) { return detail::replay_command(t, name); },
                         std::nullopt};
    std::string pictures;
    if (const auto& f = r.first_failure)
      pictures = detail::write_pictures(body, f->shrunk, name, encode_token(f->shrunk), true, opts.body);
    ADD_FAILURE() << format_text(r, about) << pictures;
    return;
  }
  std::printf("[ explored ] %s: %llu schedules (%s, seed %llu), %zu distinct traces\n", name.c_str(),
              static_cast<unsigned long long>(r.runs), strategy_name(opts.explore.strategy),
              static_cast<unsigned long long>(opts.explore.seed), r.trace_hashes.size());
}

}  // namespace weft::sim

/// Defines a gtest TEST whose body is a coroutine explored under the given
/// options: an explore_options initialiser, optionally followed by a
/// body_options one (see the file comment).
#define WEFT_EXPLORE_TEST(suite, name, ...)                                      \
  static ::weft::coro<void> suite##_##name##_weft_body();                        \
  TEST(suite, name) {                                                            \
    ::weft::sim::expect_no_failure(&suite##_##name##_weft_body,                  \
                                   ::weft::sim::explore_test_options{__VA_ARGS__}); \
  }                                                                              \
  static ::weft::coro<void> suite##_##name##_weft_body()
