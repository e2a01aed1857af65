// The simulator's own guarantees, over generated programs and schedules:
// determinism, replay, shrinking, tokens that survive unrelated edits, the
// FIFO schedule as CPython's order, and no task ever lost.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <weft/props/programs.hpp>
#include <weft/props/schedule_gen.hpp>
#include <weft/scenario/interpreter.hpp>
#include <weft/scenario/parse.hpp>
#include <weft/sim/sim.hpp>
#include <weft/weft.hpp>

namespace {

namespace fs = std::filesystem;
namespace sim = weft::sim;
using weft::props::generated_schedule;
using weft::props::program_run;
using weft::props::task_program;

/// A program as the simulator runs it: spawn the children (and, if asked, a
/// bystander that only yields), wait for all; with `in_order`, fail unless
/// children with as many steps ended in index order, as they do under FIFO
/// when every step is a bare yield (a check some schedules break).
sim::program as_program(const task_program& p, bool bystander = false, bool in_order = false) {
  return sim::body_program([p, bystander, in_order]() -> weft::coro<void> {
    program_run run(p);
    auto tasks = run.spawn();
    if (bystander) weft::create_task(weft::props::yield_times(3), {.name = "bystander"});
    co_await weft::gather(weft::return_exceptions, tasks);
    if (!in_order) co_return;
    for (std::size_t i = 0; i < tasks.size(); ++i)
      for (std::size_t j = i + 1; j < tasks.size(); ++j)
        if (p.children[i].steps.size() == p.children[j].steps.size())
          WEFT_CHECK(run.outcomes()[i].order < run.outcomes()[j].order);
  });
}

sim::recorded_run run_generated(const sim::program& prog, const generated_schedule& s) {
  weft::props::generated_strategy strat(s);
  sim::fault_options faults;
  faults.cancel = !s.cancels.empty();
  return sim::run_once(prog, strat, faults);
}

// The same schedule gives the same trace, every time.
RC_GTEST_PROP(SimProps, SameScheduleSameTrace, ()) {
  const auto prog = as_program(*weft::props::gen_program({.hangs = true, .max_cancels = 2}));
  const auto s = *weft::props::gen_schedule({.cancel_faults = true});
  const sim::recorded_run a = run_generated(prog, s), b = run_generated(prog, s);
  RC_ASSERT(a.result.trace == b.result.trace);
  RC_ASSERT(a.result.failed == b.result.failed);
  RC_ASSERT(a.decisions == b.decisions);
}

// replay(token(run)) reproduces the run.
RC_GTEST_PROP(SimProps, ReplayingTheTokenReproducesTheRun, ()) {
  const auto prog = as_program(*weft::props::gen_program({.hangs = true, .max_cancels = 2}));
  const sim::recorded_run r = run_generated(prog, *weft::props::gen_schedule({.cancel_faults = true}));
  std::string error, mismatch;
  const auto decoded = sim::decode_token(sim::encode_token(r.decisions), error);
  RC_ASSERT(decoded.has_value());
  const sim::run_result again = sim::replay_run(prog, *decoded, mismatch);
  RC_ASSERT(mismatch.empty());
  RC_ASSERT(again.trace == r.result.trace);
  RC_ASSERT(again.failed == r.result.failed);
}

// Shrinking keeps a failure failing the same way, with no more deviations.
// The failing schedule comes from a short random exploration of a program
// that only some schedules break.
RC_GTEST_PROP(SimProps, ShrinkingKeepsTheFailure, ()) {
  // Two to five children that yield the same number of times.
  task_program p;
  p.children.resize(*rc::gen::inRange<std::size_t>(2, 6));
  const std::size_t yields = *rc::gen::inRange<std::size_t>(0, 4);
  for (auto& c : p.children) c.steps.resize(yields);
  const auto prog = as_program(p, false, /*in_order=*/true);
  sim::explore_options o;
  o.runs = 64;
  o.seed = *rc::gen::arbitrary<std::uint64_t>();
  const sim::report found = sim::explore(prog, o);
  RC_PRE(found.first_failure.has_value());
  const sim::failure_report& f = *found.first_failure;
  const sim::recorded_run small = sim::shrink(prog, f.found, f.failed);
  RC_ASSERT(small.result.failed.has_value());
  RC_ASSERT(sim::same_failure(*small.result.failed, f.failed));
  RC_ASSERT(small.decisions.deviations() <= f.found.deviations());
  // And the shrunk schedule replays, by its token, to that failure.
  std::string mismatch;
  const sim::run_result again = sim::replay_run(prog, small.decisions, mismatch);
  RC_ASSERT(mismatch.empty());
  RC_ASSERT(again.failed == small.result.failed);
}

// A token survives an unrelated task added to the program: replayed on the
// edited program it fits, and the program's own children end as before.
RC_GTEST_PROP(SimProps, ATokenSurvivesAnUnrelatedTask, ()) {
  const task_program p = *weft::props::gen_program({.max_cancels = 2});
  const sim::recorded_run r = run_generated(as_program(p), *weft::props::gen_schedule());
  std::string mismatch;
  sim::schedule replayed;
  const sim::run_result edited = sim::replay_run(as_program(p, /*bystander=*/true), r.decisions, mismatch, &replayed);
  RC_LOG() << mismatch << "\n";
  RC_ASSERT(mismatch.empty());
  RC_ASSERT(edited.trace == r.result.trace);  // the bystander writes no line
  RC_ASSERT(edited.failed == r.result.failed);
}

// No task is ever lost: every child ends, or is named pending in a deadlock.
RC_GTEST_PROP(SimProps, NoTaskIsLost, ()) {
  const task_program p = *weft::props::gen_program({.hangs = true, .cancel_hangs = false, .max_cancels = 1});
  const sim::recorded_run r = run_generated(as_program(p), *weft::props::gen_schedule());
  std::vector<bool> ended(p.children.size());
  for (const auto& line : r.result.trace)
    for (std::size_t i = 0; i < ended.size(); ++i)
      if (line.find(" child" + std::to_string(i) + " ") != std::string::npos) ended[i] = true;
  const bool deadlock = r.result.failed && r.result.failed->kind == sim::failure_kind::deadlock;
  RC_ASSERT(!r.result.failed || deadlock);
  for (std::size_t i = 0; i < ended.size(); ++i) {
    const std::string name = "child" + std::to_string(i);
    const bool pending = deadlock && std::any_of(r.result.failed->where.begin(), r.result.failed->where.end(),
                                                 [&](const std::string& w) { return w.rfind(name, 0) == 0; });
    RC_ASSERT(ended[i] != pending);
  }
  RC_CLASSIFY(deadlock);
}

std::vector<fs::path> conformance_scenarios() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(WEFT_CONFORMANCE_DIR) / "scenarios"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The all-FIFO schedule under the simulator gives CPython's golden trace.
RC_GTEST_PROP(SimProps, TheFifoScheduleGivesTheCPythonGolden, ()) {
  static const std::vector<fs::path> files = conformance_scenarios();
  RC_PRE(!files.empty());
  const fs::path file = *rc::gen::elementOf(files);
  weft::props::generated_strategy fifo(generated_schedule{});
  sim::sim_scheduler sched(fifo, {});
  const auto got = weft::scenario::run(weft::scenario::parse_file(file.string()), {.scheduler = &sched}).trace;
  std::ifstream golden(fs::path(WEFT_CONFORMANCE_DIR) / "golden" / (file.stem().string() + ".txt"));
  std::vector<std::string> want;
  for (std::string line; std::getline(golden, line);) want.push_back(line);
  RC_ASSERT(got == want);
  RC_ASSERT(sched.recorded().deviations() == 0u);
}

}  // namespace
