#include "weft/props/prop.hpp"

#include <cstdlib>

#include <weft/exceptions.hpp>
#include <weft/sim/report_format.hpp>
#include <weft/sim/replay.hpp>
#include <weft/sim/run.hpp>
#include <weft/sim/shrink.hpp>

namespace weft::props {

namespace {

sim::fault_options faults_of(const generated_schedule& s, const prop_options& o) {
  sim::fault_options f;
  f.cancel = !s.cancels.empty();
  f.jitter = !s.jitters.empty();
  f.jitter_ticks = std::max<std::uint32_t>(o.schedule.max_jitter_ticks, 1);
  f.tick = o.tick;
  return f;
}

}  // namespace

void run_case(const sim::test_body& body, const generated_schedule& schedule, const prop_options& opts) {
  // The body's own exception, kept to hand back to rapidcheck: an RC_ASSERT
  // is reported as rapidcheck reports it.
  std::exception_ptr thrown;
  sim::test_body wrapped = [&]() -> weft::coro<void> {
    thrown = nullptr;
    try {
      co_await body();
    } catch (...) {
      thrown = std::current_exception();
      throw;
    }
  };
  const sim::program prog = sim::body_program(wrapped, opts.body);

  sim::recorded_run run;
  if (const char* token = std::getenv("WEFT_REPLAY"); token && *token) {
    std::string error;
    auto s = sim::decode_token(token, error);
    if (!s) RC_FAIL("WEFT_REPLAY: " + error);
    std::string mismatch;
    run.result = sim::replay_run(prog, *s, mismatch, &run.decisions, opts.tick);
    if (!mismatch.empty()) RC_DISCARD("WEFT_REPLAY does not fit this case: " + mismatch);
  } else {
    generated_strategy strat(schedule);
    run = sim::run_once(prog, strat, faults_of(schedule, opts));
  }
  if (!run.result.failed) return;

  const std::exception_ptr failure = thrown;  // name_race below runs the body again
  // An RC_ASSERT speaks for itself (rapidcheck shows it); anything else is named.
  if (!weft::exception_is<rc::detail::CaseResult>(failure)) RC_LOG() << "weft: " << run.result.failed->message() << "\n";
  if (!run.result.trace.empty()) RC_LOG() << "trace:\n";
  for (const auto& line : run.result.trace) RC_LOG() << "  " << line << "\n";
  if (run.decisions.deviations() == 0) {
    RC_LOG() << "fails without any reordering: this is not a race\n";
  } else {
    RC_LOG() << "the race (flipping any of these back to FIFO makes the case pass):\n";
    for (const auto& d : sim::name_race(prog, run.decisions, *run.result.failed, opts.tick))
      RC_LOG() << "  " << sim::describe(d) << "\n";
  }
  RC_LOG() << "schedule alone: WEFT_REPLAY=" << sim::encode_token(run.decisions) << "\n";
  if (failure) std::rethrow_exception(failure);
  RC_FAIL(run.result.failed->message());
}

}  // namespace weft::props
