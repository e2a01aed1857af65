#pragma once
/// Property tests whose body is a coroutine, run under generated schedules:
///
///   WEFT_PROP(Queue, LosesNothing, (std::vector<int> items)) {
///     weft::queue<int> q;
///     ... co_await ...;
///     RC_ASSERT(got == items);
///   }
///
/// Each case runs the body as the main task of a fresh loop with a virtual
/// clock, under a schedule that rapidcheck generates (gen_schedule) alongside
/// the arguments; a failing case is shrunk as a whole, arguments and schedule
/// together. The minimal case's report carries rapidcheck's own reproduction
/// (RC_PARAMS="reproduce=..."), the shrunk arguments and schedule, the run's
/// trace, the race (the deviations whose flip back to FIFO makes it pass) and
/// a weft token: WEFT_REPLAY=TOKEN runs every case on that one schedule
/// instead of generated ones.

#include <cstdint>
#include <exception>
#include <functional>
#include <iostream>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <weft/coro.hpp>
#include <weft/sim/test.hpp>

#include "weft/props/schedule_gen.hpp"

namespace weft::props {

/// How a property runs.
struct prop_options {
  schedule_options schedule{};    ///< which schedules are generated (faults are off by default)
  sim::body_options body{};       ///< livelock bound, unretrieved exceptions
  weft::duration tick = std::chrono::seconds(1);  ///< the unit of a late timer
};

/// Runs one case: `body` under `schedule` (or $WEFT_REPLAY's token). A
/// failure is reported to rapidcheck: an RC_ASSERT's own, or the run's
/// (deadlock, livelock, exception), with the trace, the race and the token in
/// the case's log.
void run_case(const sim::test_body& body, const generated_schedule& schedule, const prop_options& opts);

/// The property of a WEFT_PROP: draws the schedule and runs the case.
template <class... Args>
auto property(weft::coro<void> (*body)(Args...), prop_options opts) {
  return [body, opts](std::decay_t<Args>... args) {
    const generated_schedule schedule = *gen_schedule(opts.schedule);
    run_case([&] { return body(args...); }, schedule, opts);
  };
}

/// A WEFT_PROP as a fuzz target sees it: `check(seed, cases)` runs rapidcheck
/// on it with that seed for that many cases, prints a failure (shrunk, as
/// rapidcheck reports it) to stderr and returns false; true if no case failed.
struct registered_property {
  std::string name;  ///< "Suite.Name"
  std::function<bool(std::uint64_t seed, int cases)> check;
};

/// Every WEFT_PROP linked into the program, in registration order (static
/// initialisation: within a file, the order of definition). fuzz_combinators
/// fuzzes weft's own suite through it; a program of one's own properties can
/// do the same.
inline std::vector<registered_property>& property_registry() {
  static std::vector<registered_property> all;
  return all;
}

template <class P>
bool register_property(std::string name, P prop) {
  property_registry().push_back({name, [name, prop](std::uint64_t seed, int cases) {
    rc::detail::TestParams params;
    params.seed = seed;
    params.maxSuccess = cases;
    rc::detail::TestMetadata metadata;
    metadata.id = metadata.description = name;
    const rc::detail::TestResult result = rc::detail::checkTestable(prop, metadata, params);
    if (!result.template is<rc::detail::FailureResult>()) return true;
    rc::detail::printResultMessage(result, std::cerr);
    std::cerr << std::endl;
    return false;
  }});
  return true;
}

}  // namespace weft::props

/// Defines a gtest TEST checking a rapidcheck property whose body is a
/// coroutine taking the generated arguments (see the file comment), and
/// registers the property (property_registry), so that the same object file
/// serves a test program and a fuzz target.
#define WEFT_PROP(Suite, Name, ArgList) WEFT_PROP_WITH(Suite, Name, {}, ArgList)

/// WEFT_PROP with options: a weft::props::prop_options initialiser in
/// parentheses, e.g. ({.schedule = {.cancel_faults = true}}).
#define WEFT_PROP_WITH(Suite, Name, Options, ArgList)                                                \
  static ::weft::coro<void> weft_prop_##Suite##_##Name ArgList;                                      \
  TEST(Suite, Name) {                                                                                \
    ::rc::detail::checkGTest(::weft::props::property(&weft_prop_##Suite##_##Name,                    \
                                                     ::weft::props::prop_options Options));         \
  }                                                                                                  \
  [[maybe_unused]] static const bool weft_prop_registered_##Suite##_##Name =                         \
      ::weft::props::register_property(#Suite "." #Name,                                              \
                                       ::weft::props::property(&weft_prop_##Suite##_##Name,          \
                                                               ::weft::props::prop_options Options)); \
  static ::weft::coro<void> weft_prop_##Suite##_##Name ArgList
