// The simulator (sim/include/weft/sim/): its random numbers, its strategies,
// schedule tokens, replay, shrinking, the explore loop's determinism, and the
// bundled race scenarios (examples/scenarios/) it must find.
//
// Scenario programs are run the way `weft explore` runs them (tools/weft_main.cpp's
// as_program, mirrored below). No expectation here comes from running weft: run
// budgets were measured and are stated as budgets, schedule counts are worked out
// by hand, random numbers come from the reference algorithms (Python in comments),
// and the FIFO traces are the conformance corpus's CPython goldens.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "weft/scenario/interpreter.hpp"
#include "weft/scenario/parse.hpp"
#include "weft/sim/sim.hpp"
#include <weft/scenario/sim_program.hpp>
#include "text.hpp"

#ifndef WEFT_SCENARIOS_DIR
#define WEFT_SCENARIOS_DIR WEFT_CONFORMANCE_DIR "/../examples/scenarios"
#endif

using namespace std::chrono_literals;

namespace {

namespace fs = std::filesystem;
namespace sim = weft::sim;

// ---- scenarios as the simulator's programs ----

/// A scenario as a program, as the weft command makes it (weft/scenario/sim_program.hpp),
/// owning the parsed scenario.
sim::program as_program(std::shared_ptr<const weft::scenario::program> prog) {
  return [prog, run = weft::scenario::sim_program(*prog)](weft::scheduler& s) { return run(s); };
}

fs::path scenario_path(const std::string& name) { return fs::path(WEFT_SCENARIOS_DIR) / (name + ".json"); }

/// A bundled scenario (examples/scenarios/NAME.json) as a program.
sim::program bundled(const std::string& name) {
  return as_program(
      std::make_shared<const weft::scenario::program>(weft::scenario::parse_file(scenario_path(name).string())));
}

/// A scenario given as JSON text.
sim::program from_text(const std::string& json) {
  return as_program(std::make_shared<const weft::scenario::program>(weft::scenario::parse(json, "inline.json")));
}

/// The runtime duration of one scenario tick, as the interpreter uses it: the
/// deadline of `sleep 1` taken at time 0 (read through the scheduler's timer hook).
weft::duration scenario_tick() {
  struct deadline_probe final : weft::scheduler {
    std::size_t pick(std::span<const weft::ready_entry>) override { return 0; }
    weft::time_point timer_deadline(weft::time_point when) override {
      if (first == weft::time_point::max()) first = when;
      return when;
    }
    weft::time_point first = weft::time_point::max();
  } probe;
  weft::scenario::run(weft::scenario::parse(R"({"coros": {"main": [{"op": "sleep", "d": 1}]}})", "tick.json"),
                      {.scheduler = &probe});
  return probe.first.time_since_epoch();
}

/// Chooses 0 everywhere, fault sites included: the FIFO run, recorded.
class always_zero final : public sim::strategy {
 public:
  std::size_t choose(const sim::choice_point& p) override {
    ++asked_;
    EXPECT_GE(p.options, 2u) << "a decision with fewer than two options";
    return 0;
  }
  bool wants(sim::decision_kind) const override { return true; }
  std::size_t asked_ = 0;
};

sim::explore_options with(sim::strategy_kind kind, std::uint64_t runs, std::uint64_t seed = 0) {
  sim::explore_options o;
  o.strategy = kind;
  o.runs = runs;
  o.seed = seed;
  return o;
}

sim::explore_options dfs(std::uint64_t max_delays, std::uint64_t runs = 1000000) {
  sim::explore_options o = with(sim::strategy_kind::dfs, runs);
  o.max_delays = max_delays;
  return o;
}

std::string lines(const std::vector<std::string>& trace) {
  std::string s;
  for (const auto& l : trace) s += "    " + l + "\n";
  return s;
}

/// What a report says, for failure messages.
std::string describe(const sim::report& r) {
  std::string s = std::to_string(r.runs) + " runs, " + std::to_string(r.failures) + " failing" +
                  (r.exhausted ? ", exhausted" : "") + "\n";
  if (r.first_failure) {
    const auto& f = *r.first_failure;
    s += "first failure (run " + std::to_string(f.run) + "): " + f.failed.message() + "\n" + lines(f.shrunk_trace);
    s += "token " + sim::encode_token(f.shrunk) + "\n";
  }
  return s;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

/// A run's failure as reports print it ("" if it passed).
std::string message(const std::optional<sim::failure>& f) { return f ? f->message() : ""; }

/// Two reports say the same thing (everything but timings).
void expect_same_report(const sim::report& a, const sim::report& b, const std::string& what) {
  EXPECT_EQ(a.runs, b.runs) << what;
  EXPECT_EQ(a.failures, b.failures) << what;
  EXPECT_EQ(a.trace_hashes, b.trace_hashes) << what;
  EXPECT_EQ(a.exhausted, b.exhausted) << what;
  EXPECT_EQ(a.nondeterminism, b.nondeterminism) << what;
  ASSERT_EQ(a.first_failure.has_value(), b.first_failure.has_value()) << what;
  if (!a.first_failure) return;
  const auto &fa = *a.first_failure, &fb = *b.first_failure;
  EXPECT_EQ(fa.run, fb.run) << what;
  EXPECT_EQ(fa.failed, fb.failed) << what;
  EXPECT_EQ(fa.trace, fb.trace) << what;
  EXPECT_EQ(sim::encode_token(fa.found), sim::encode_token(fb.found)) << what;
  EXPECT_EQ(sim::encode_token(fa.shrunk), sim::encode_token(fb.shrunk)) << what;
  EXPECT_EQ(fa.shrunk_trace, fb.shrunk_trace) << what;
  EXPECT_EQ(fa.race, fb.race) << what;
}

// ---- rng: the reference algorithms ----
//
// The expected numbers below were computed with this transcription of the
// reference C code (splitmix64.c and xoshiro256starstar.c by Vigna), seeding
// the four state words with four successive splitmix64 outputs as Vigna advises:
//
//   M = (1 << 64) - 1
//   def splitmix64(state):
//       state = (state + 0x9e3779b97f4a7c15) & M
//       z = state
//       z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
//       z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
//       return state, z ^ (z >> 31)
//   def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
//   def xoshiro(seed):
//       s = []
//       for _ in range(4):
//           seed, z = splitmix64(seed); s.append(z)
//       while True:
//           result = (rotl((s[1] * 5) & M, 7) * 9) & M
//           t = (s[1] << 17) & M
//           s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
//           s[3] = rotl(s[3], 45)
//           yield result
//   def below(g, n):                      # Lemire: 128-bit product, reject low < (2^64 - n) % n
//       m = next(g) * n
//       if (m & M) < n:
//           while (m & M) < ((1 << 64) - n) % n: m = next(g) * n
//       return m >> 64
//
// The transcription itself checks against the published vectors: splitmix64
// from 0 gives e220a8397b1dcdaf 6e789e6aa1b965f4 06c45d188009454f f88bb8a8724c81ec,
// and xoshiro256** from the raw state {1, 2, 3, 4} gives 11520, 0, 1509978240,
// 1215971899390074240.

TEST(RngTest, SplitmixGivesThePublishedSequenceFromZero) {
  std::uint64_t state = 0;
  EXPECT_EQ(sim::splitmix64(state), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(sim::splitmix64(state), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(sim::splitmix64(state), 0x06c45d188009454fULL);
  EXPECT_EQ(sim::splitmix64(state), 0xf88bb8a8724c81ecULL);
}

TEST(RngTest, XoshiroFirstOutputsMatchTheReferenceForSeedZero) {
  sim::rng r(0);
  EXPECT_EQ(r.next(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(r.next(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(r.next(), 0x1a5f849d4933e6e0ULL);
  EXPECT_EQ(r.next(), 0x6aa594f1262d2d2cULL);
  EXPECT_EQ(r.next(), 0xbba5ad4a1f842e59ULL);
}

TEST(RngTest, XoshiroFirstOutputsMatchTheReferenceForSeed42) {
  sim::rng r(42);
  EXPECT_EQ(r.next(), 0x15780b2e0c2ec716ULL);
  EXPECT_EQ(r.next(), 0x6104d9866d113a7eULL);
  EXPECT_EQ(r.next(), 0xae17533239e499a1ULL);
  EXPECT_EQ(r.next(), 0xecb8ad4703b360a1ULL);
  EXPECT_EQ(r.next(), 0xfde6dc7fe2ec5e64ULL);
}

// The generator works at compile time, with the same first output: nothing in
// it depends on the platform.
static_assert([] {
  sim::rng r(0);
  return r.next();
}() == 0x99ec5f36cb75f2b4ULL);

TEST(RngTest, BelowFollowsLemiresMethod) {
  // below(g, 10) from seed 42 in the Python above.
  sim::rng r(42);
  std::vector<std::uint64_t> got;
  for (int i = 0; i < 10; ++i) got.push_back(r.below(10));
  EXPECT_EQ(got, (std::vector<std::uint64_t>{0, 3, 6, 9, 9, 7, 7, 8, 7, 5}));
}

TEST(RngTest, BelowStaysInRange) {
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  for (std::uint64_t n : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3}, std::uint64_t{7}, std::uint64_t{10},
                          std::uint64_t{1} << 32, (std::uint64_t{1} << 32) + 1, (std::uint64_t{1} << 63) + 1, max - 1,
                          max}) {
    sim::rng r(n);
    for (int i = 0; i < 2000; ++i) ASSERT_LT(r.below(n), n) << "n = " << n;
  }
  sim::rng one(5);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(one.below(1), 0u);
}

TEST(RngTest, BelowReachesEveryValueOfASmallRange) {
  sim::rng r(3);
  std::vector<int> seen(7, 0);
  for (int i = 0; i < 7000; ++i) ++seen[r.below(7)];
  for (int v = 0; v < 7; ++v) {
    EXPECT_GT(seen[v], 800) << "value " << v;  // 1000 expected; 800 is > 6 sigma away
    EXPECT_LT(seen[v], 1200) << "value " << v;
  }
}

TEST(RngTest, ChanceZeroNeverAndChanceOneAlways) {
  sim::rng r(9);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(r.chance(0, 8));
    EXPECT_TRUE(r.chance(8, 8));
  }
}

TEST(RngTest, SameSeedSameStreamDifferentSeedDifferentStream) {
  sim::rng a(1234), b(1234), c(1235);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    std::uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= x != c.next();
  }
  EXPECT_TRUE(differs);
}

// ---- strategies: per-run streams ----

std::vector<std::size_t> draw_random(sim::random_walk& s, int n) {
  std::vector<std::size_t> out;
  for (int i = 0; i < n; ++i) {
    std::size_t options = 2 + static_cast<std::size_t>(i % 4);
    out.push_back(s.choose({sim::decision_kind::ready, options}));
  }
  return out;
}

TEST(StrategyTest, RandomWalkRunDependsOnlyOnSeedAndRunIndex) {
  sim::random_walk fresh(7);
  fresh.start_run(5);
  const auto want = draw_random(fresh, 200);

  // Another instance that ran other runs (and drew from them) first.
  sim::random_walk used(7);
  used.start_run(0);
  draw_random(used, 37);
  used.start_run(9);
  draw_random(used, 3);
  used.start_run(5);
  EXPECT_EQ(draw_random(used, 200), want);

  // Another run index, or another seed, draws another stream.
  sim::random_walk other_run(7), other_seed(8);
  other_run.start_run(6);
  other_seed.start_run(5);
  EXPECT_NE(draw_random(other_run, 200), want);
  EXPECT_NE(draw_random(other_seed, 200), want);
}

std::vector<std::size_t> draw_pct(sim::pct& s, int n) {
  // Three tasks that take turns, each step a new identity.
  std::vector<std::size_t> out;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> ids = {"a#" + std::to_string(i), "b#" + std::to_string(i), "c#" + std::to_string(i)};
    if (i % 3 == 1) ids.pop_back();
    const sim::ready_candidates candidates(ids);
    out.push_back(s.choose({sim::decision_kind::ready, ids.size(), {}, &candidates}));
  }
  return out;
}

TEST(StrategyTest, PctRunDependsOnlyOnSeedAndRunIndex) {
  sim::pct fresh(11, 3, 16);
  fresh.start_run(4);
  const auto want = draw_pct(fresh, 60);

  // Priorities and change points of earlier runs must not leak into run 4.
  sim::pct used(11, 3, 16);
  used.start_run(0);
  draw_pct(used, 25);
  used.start_run(4);
  EXPECT_EQ(draw_pct(used, 60), want);

  // Nor do the task names of earlier runs, past the bound where PCT forgets
  // them (a program naming its tasks anew in every run).
  sim::pct crowded(11, 3, 16);
  crowded.start_run(0);
  for (int i = 0; i < 70000; ++i) {
    const std::vector<std::string> ids = {"t" + std::to_string(i) + "#0", "u#0"};
    const sim::ready_candidates candidates(ids);
    crowded.choose({sim::decision_kind::ready, ids.size(), {}, &candidates});
  }
  crowded.start_run(4);
  EXPECT_EQ(draw_pct(crowded, 60), want);

  // Across many run indices, PCT does not always choose alike.
  std::set<std::vector<std::size_t>> streams;
  for (std::uint64_t run = 0; run < 20; ++run) {
    sim::pct p(11, 3, 16);
    p.start_run(run);
    streams.insert(draw_pct(p, 60));
  }
  EXPECT_GT(streams.size(), 2u);
}

TEST(StrategyTest, PctRunsTheHighestPriorityTaskAtEveryStepWithoutChangePoints) {
  // Depth 1: no change points, so each run is one fixed priority order of the
  // tasks, kept at every step (a task's priority is per task, not per step).
  for (std::uint64_t run = 0; run < 20; ++run) {
    sim::pct p(3, 1, 64);
    p.start_run(run);
    const std::vector<std::string> first = {"a#0", "b#0", "c#0"};
    const sim::ready_candidates first_candidates(first);
    const std::size_t top = p.choose({sim::decision_kind::ready, 3, {}, &first_candidates});
    const std::string winner = first[top].substr(0, 1);
    for (int step = 1; step < 10; ++step) {
      std::vector<std::string> ids = {"a#" + std::to_string(step), "b#" + std::to_string(step), "c#" + std::to_string(step)};
      std::rotate(ids.begin(), ids.begin() + step % 3, ids.end());  // FIFO order changes; priorities do not
      const sim::ready_candidates candidates(ids);
      const std::size_t c = p.choose({sim::decision_kind::ready, 3, {}, &candidates});
      EXPECT_EQ(ids[c].substr(0, 1), winner) << "run " << run << " step " << step;
    }
  }
}

// ---- delay-bounded search counts schedules exactly ----

// Three tasks each log, yield once (sleep(0)) and log again; main awaits them.
//
// Hop by hop (FIFO):
//   iteration 1: main#0 alone (spawns t1, t2, t3; awaits t1)       no decision
//   iteration 2: t1#0 t2#0 t3#0 ready together                      pick among 3, then among 2
//   iteration 3: their second steps (in the order they yielded)     pick among 3, then among 2
//                (t1's completion schedules main's wakeup)
//   iteration 4: main#1 alone (t2 and t3 are done: no suspension)   no decision
//   iteration 5: run_until_complete's stop callback alone           no decision
// So every run takes four decisions with 3, 2, 3 and 2 options, and choosing
// option i costs i delays. Per iteration the delays count as
// (1 + x + x^2)(1 + x) = 1 + 2x + 2x^2 + x^3, for both iterations
// (1 + 2x + 2x^2 + x^3)^2 = 1 + 4x + 8x^2 + 10x^3 + 8x^4 + 4x^5 + x^6:
// schedules with at most K delays: K=0: 1, K=1: 5, K=2: 13, K=3: 23, K>=6: 36 (= 3! * 3!).
// Every schedule logs its own order, so the distinct traces equal the runs.
const char* const three_hops = R"({"coros": {
  "main": [{"op": "spawn", "var": "t1", "coro": "hop"}, {"op": "spawn", "var": "t2", "coro": "hop"},
           {"op": "spawn", "var": "t3", "coro": "hop"},
           {"op": "await", "aw": {"task": "t1"}}, {"op": "await", "aw": {"task": "t2"}},
           {"op": "await", "aw": {"task": "t3"}}],
  "hop": [{"op": "log", "msg": "before"}, {"op": "sleep", "d": 0}, {"op": "log", "msg": "after"}]}})";

TEST(DelayBoundedTest, CountsTheSchedulesOfThreeHoppingTasks) {
  const sim::program prog = from_text(three_hops);
  const std::pair<std::uint64_t, std::uint64_t> expected[] = {{0, 1}, {1, 5}, {2, 13}, {3, 23}, {4, 31}, {5, 35}, {6, 36}, {50, 36}};
  for (auto [k, count] : expected) {
    const sim::report r = sim::explore(prog, dfs(k));
    EXPECT_EQ(r.runs, count) << "K = " << k;
    EXPECT_TRUE(r.exhausted) << "K = " << k;
    EXPECT_EQ(r.trace_hashes.size(), count) << "K = " << k << ": each schedule is a different interleaving";
    EXPECT_EQ(r.failures, 0u);
  }
}

TEST(DelayBoundedTest, CountsTheSchedulesOfACppBody) {
  // The same shape written in C++ against weft's API: the same counts.
  auto body = []() -> weft::coro<void> {
    auto hop = [](std::string name) -> weft::coro<void> {
      sim::trace(name + " before");
      co_await weft::sleep(0s);
      sim::trace(name + " after");
    };
    auto t1 = weft::create_task(hop("t1"), {.name = "t1"});
    auto t2 = weft::create_task(hop("t2"), {.name = "t2"});
    auto t3 = weft::create_task(hop("t3"), {.name = "t3"});
    co_await t1;
    co_await t2;
    co_await t3;
  };
  for (auto [k, count] : {std::pair<std::uint64_t, std::uint64_t>{1, 5}, {2, 13}, {3, 23}, {6, 36}}) {
    const sim::report r = sim::explore(sim::test_body(body), dfs(k));
    EXPECT_EQ(r.runs, count) << "K = " << k;
    EXPECT_TRUE(r.exhausted) << "K = " << k;
    EXPECT_EQ(r.trace_hashes.size(), count) << "K = " << k;
  }
}

TEST(DelayBoundedTest, StopsAtTheRunLimitWithoutClaimingExhaustion) {
  const sim::report r = sim::explore(from_text(three_hops), dfs(2, 10));
  EXPECT_EQ(r.runs, 10u);
  EXPECT_FALSE(r.exhausted);
}

TEST(DelayBoundedTest, EachScheduleOnce) {
  // The recorded choice vectors of an exhausted search are all different and
  // all within the bound: collect them through a program wrapper.
  const sim::program inner = from_text(three_hops);
  std::vector<std::vector<std::uint32_t>> seen;
  struct recorder final : weft::scheduler {
    recorder(weft::scheduler& s, std::vector<std::uint32_t>& out) : inner(s), out(out) {}
    std::size_t pick(std::span<const weft::ready_entry> ready) override {
      std::size_t c = inner.pick(ready);
      out.push_back(static_cast<std::uint32_t>(c));
      return c;
    }
    void order_due(std::span<weft::due_timer> due) override { inner.order_due(due); }
    void on_suspend(weft::any_task& t) override { inner.on_suspend(t); }
    weft::time_point timer_deadline(weft::time_point w) override { return inner.timer_deadline(w); }
    weft::scheduler& inner;
    std::vector<std::uint32_t>& out;
  };
  const sim::program prog = [&](weft::scheduler& s) {
    seen.emplace_back();
    recorder rec(s, seen.back());
    return inner(rec);
  };
  const sim::report r = sim::explore(prog, dfs(3));
  ASSERT_EQ(r.runs, 23u);
  ASSERT_EQ(seen.size(), 23u);
  std::set<std::vector<std::uint32_t>> distinct(seen.begin(), seen.end());
  EXPECT_EQ(distinct.size(), 23u) << "a schedule was visited twice";
  for (const auto& v : seen) {
    ASSERT_EQ(v.size(), 4u);
    std::uint32_t delays = 0;
    for (auto c : v) delays += c;
    EXPECT_LE(delays, 3u);
  }
}

// ---- the all-zero schedule is the FIFO run ----

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(FifoScheduleTest, AllZeroScheduleReproducesEveryConformanceGolden) {
  const fs::path dir(WEFT_CONFORMANCE_DIR);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir / "scenarios"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 100u);
  std::size_t decided = 0;
  for (const auto& file : files) {
    const auto golden = read_lines(dir / "golden" / (file.stem().string() + ".txt"));
    const auto prog = weft::scenario::parse_file(file.string());
    // Every decision, fault sites included, asked and answered with 0.
    always_zero zero;
    sim::fault_options faults;
    faults.cancel = true;
    faults.jitter = true;
    faults.jitter_ticks = 3;
    sim::sim_scheduler sched(zero, faults);
    const auto r = weft::scenario::run(prog, {.scheduler = &sched});
    EXPECT_EQ(r.trace, golden) << file.filename() << ": the all-zero schedule differs from CPython's FIFO trace\n"
                               << lines(r.trace);
    EXPECT_EQ(sched.recorded().deviations(), 0u) << file.filename();
    EXPECT_EQ(sched.recorded().decisions.size(), zero.asked_) << file.filename();
    decided += zero.asked_ > 0;
  }
  // The corpus has concurrency: most scenarios take decisions at all.
  EXPECT_GT(decided, files.size() / 2);
}

TEST(FifoScheduleTest, FifoStrategyWithoutRecordingIsTheFifoRunAndRecordsNothing) {
  // What the benchmarks call the simulator's FIFO run.
  const fs::path dir(WEFT_CONFORMANCE_DIR);
  std::size_t checked = 0;
  for (const auto& e : fs::directory_iterator(dir / "scenarios")) {
    if (e.path().extension() != ".json") continue;
    const auto golden = read_lines(dir / "golden" / (e.path().stem().string() + ".txt"));
    const auto prog = weft::scenario::parse_file(e.path().string());
    sim::fifo first;
    sim::sim_scheduler sched(first, {}, 0, /*record=*/false);
    EXPECT_EQ(weft::scenario::run(prog, {.scheduler = &sched}).trace, golden) << e.path().filename();
    EXPECT_TRUE(sched.recorded().decisions.empty()) << e.path().filename();
    ++checked;
  }
  EXPECT_GE(checked, 100u);
}

TEST(FifoScheduleTest, ReplayingTheEmptyTokenIsTheFifoRun) {
  std::string error;
  const auto s = sim::decode_token("w1.AA", error);
  ASSERT_TRUE(s) << error;
  EXPECT_TRUE(s->decisions.empty());
  EXPECT_EQ(sim::encode_token(sim::schedule{}), "w1.AA");
  const fs::path dir(WEFT_CONFORMANCE_DIR);
  for (const char* name : {"hop_two_tasks_alternate_on_sleep0", "tutorial_2_2_tasks"}) {
    const fs::path file = dir / "scenarios" / (std::string(name) + ".json");
    ASSERT_TRUE(fs::exists(file)) << file;
    std::string mismatch;
    const sim::run_result out = sim::replay_run(
        as_program(std::make_shared<const weft::scenario::program>(weft::scenario::parse_file(file.string()))), *s,
        mismatch);
    EXPECT_EQ(mismatch, "");
    EXPECT_EQ(out.trace, read_lines(dir / "golden" / (std::string(name) + ".txt"))) << name;
  }
}

// ---- the bundled races ----

struct race_case {
  const char* name;
  const char* failure;            // how its failing runs end (the start of outcome::failure)
  std::uint64_t random_budget;    // random finds it within this many runs, for each of seeds 0..seeds-1
  std::uint64_t pct_budget;       // PCT (default depth 3) likewise; 0: PCT is not relied on (see below)
  std::uint64_t dfs_k;            // the smallest delay bound whose exhaustive search finds it; 0: none a test can afford
  std::uint64_t dfs_budget;       // that search (with dfs_k = 0: the clean_k search) is exhausted within this many runs
  std::size_t shrunk_changes;     // at most this many deviations (faults included) once shrunk
  bool cancel_faults;             // it needs injected cancellations (--faults cancel)
  std::size_t shrunk_min = 0;     // at least this many once shrunk (0: exactly shrunk_changes, or 1 fault)
  std::uint64_t seeds = 5;        // the random and PCT budgets are checked for seeds 0..seeds-1
  std::uint64_t clean_k = 0;      // with dfs_k = 0: the exhaustive search with this bound finds nothing
};

// Budgets: runs-to-first-failure measured for seeds 0..9 (weft explore --json), then
// a margin. Two-task races fail about every other run (measured maxima: random 8,
// PCT 3). watchdog_three_strikes needs the watchdog first among six tasks in three
// rounds: random fails 1 run in ~250 (max 503 over seeds 0..9), PCT 1 in ~7 (max 11),
// DFS needs K = 3 (765 schedules). cancel_leaks_lock fails 1 run in ~12 with
// --faults cancel (max 31 random, 27 PCT).
//
// The hard races (issue #15) were measured over seeds 0..19 with --runs 20000
// (bench/strategies/run.py; median / max): draft_through_five_relays random 638 /
// 5,098; failure_detector_same_period random 658.5 / 2,040; old_worker_rejects_invoices
// random 955 / 5,475, PCT 37.5 / 238, DFS K = 1 (65 schedules, found at the 55th);
// lock_handoff_empty_batches random 759 / 4,069, PCT 690.5 / 3,896, DFS K = 4 (71,800
// schedules, found at the 67,057th: too many for a test); spinlock_check_then_act random
// 1,010 / 5,675; pulse_event_missed random 772.5 / 3,463, PCT 6.5 / 30. Their budgets
// are those maxima plus 14 to 26% (PCT on the pulse: 30 plus 20). A budget of several
// thousand runs takes a quarter to half a second a seed, so these check seeds 0 and 1
// only (the benchmark covers 0..19).
// PCT is not relied on where it misses for some of the 20 seeds within 20,000 runs
// (pct_budget 0): the relays need six task names ranked in one exact order, the
// detector to be both first and last among the same tasks, the spin lock's victim to
// lose races whose winner alternates. Where DFS needs more schedules than a test can
// run (dfs_k 0), the test checks that the exhausted search with clean_k delays finds
// nothing: the race needs more delays than that (those searches run 3,420, 1,209,
// 8,095, 2,903 and 3,527 schedules; dfs_budget is that plus a little).
//
// Shrunk sizes: every two-task race needs one deviation, the watchdog exactly three
// (one per round: it is never first in FIFO order). cancel_leaks_lock needs only one
// injected cancel of the lock holder, but the shrinker keeps a failure only if its
// message is identical, and a deadlock's message names the pending tasks: from a run
// where b went first and was cancelled it cannot reach "a cancelled" (a deadlock
// naming the other task), so it may stop at two changes. Of the hard races, the relays
// shrink to 6 (five first steps in pipeline order, then the publish before the
// rollback), the shipper and the pulse to 4 (one per batch or idle round), the spin
// lock to 10 (the races Alice loses). The shrinker is greedy: the detector's timer and
// callback decisions shrink to 10 (random, seed 1), and the old worker's one necessary
// deviation to 3 (random) or 2 (PCT), others around it kept.
const race_case races[] = {
    {"lost_update", "assertion failed: count == 2 (was 1)", 50, 50, 1, 10, 1, false},
    {"check_then_act", "assertion failed: opens == 1 (was 2)", 50, 50, 1, 10, 1, false},
    {"equal_deadline_timers", "assertion failed: config == v2 (was v1)", 50, 50, 1, 10, 1, false},
    {"lock_fairness", "assertion failed: value == new (was old)", 50, 50, 1, 10, 1, false},
    {"taskgroup_cancel_order", "assertion failed: leases == 0 (was 1)", 50, 50, 1, 10, 1, false},
    {"queue_consumer_order", "assertion failed: got == header (was body)", 50, 50, 1, 10, 1, false},
    {"watchdog_three_strikes", "exception escaping main: ServiceKilled(no progress in three rounds)", 2000, 100, 3,
     1000, 3, false},
    {"cancel_leaks_lock", "deadlock: nothing ready, no timer; pending: main at ", 300, 300, 1, 10, 2, true},
    {"draft_through_five_relays", "assertion failed: slot5 == v1 (was draft)", 6000, 0, 0, 3500, 6, false, 6, 2, 4},
    {"failure_detector_same_period", "exception escaping main: MemberDeclaredDead(no heartbeat at three checks)", 2500, 0,
     0, 1300, 10, false, 3, 2, 2},
    {"old_worker_rejects_invoices", "assertion failed: invoices_lost == 0 (was 1)", 6500, 300, 1, 100, 3, false, 1, 2},
    {"lock_handoff_empty_batches", "exception escaping main: SourceDeclaredDead(four empty batches in a row)", 5000,
     4500, 0, 8500, 4, false, 4, 2, 3},
    {"spinlock_check_then_act", "assertion failed: bookings == 1 (was 2)", 6500, 0, 0, 3000, 10, false, 10, 2, 4},
    {"pulse_event_missed", "exception escaping main: SchedulerStalled(no worker ran in four rounds)", 4000, 50, 0, 3600,
     4, false, 4, 2, 2},
};

void PrintTo(const race_case& c, std::ostream* os) { *os << c.name; }

class RaceTest : public testing::TestWithParam<race_case> {
 protected:
  sim::explore_options opts(sim::explore_options o) const {
    o.faults.cancel = GetParam().cancel_faults;
    return o;
  }
};

TEST_P(RaceTest, PassesUnderFifo) {
  const race_case& c = GetParam();
  always_zero zero;
  sim::sim_scheduler sched(zero, {});
  const sim::run_result out = bundled(c.name)(sched);
  EXPECT_FALSE(out.failed) << lines(out.trace);
  for (const auto& l : out.trace) {
    EXPECT_FALSE(starts_with(l, "= assertion failed")) << l;
    EXPECT_NE(l, "= deadlock");
    EXPECT_FALSE(starts_with(l, "= main raised")) << l;
  }
}

TEST_P(RaceTest, RandomFindsItWithinItsBudget) {
  const race_case& c = GetParam();
  const sim::program prog = bundled(c.name);
  for (std::uint64_t seed = 0; seed < c.seeds; ++seed) {
    const sim::report r = sim::explore(prog, opts(with(sim::strategy_kind::random, c.random_budget, seed)));
    ASSERT_TRUE(r.first_failure) << "seed " << seed << ": " << describe(r);
    EXPECT_TRUE(starts_with(r.first_failure->failed.message(), c.failure)) << r.first_failure->failed.message();
  }
}

TEST_P(RaceTest, PctFindsItWithinItsBudget) {
  const race_case& c = GetParam();
  if (c.pct_budget == 0) return;  // not relied on (see races[])
  const sim::program prog = bundled(c.name);
  for (std::uint64_t seed = 0; seed < c.seeds; ++seed) {
    const sim::report r = sim::explore(prog, opts(with(sim::strategy_kind::pct, c.pct_budget, seed)));
    ASSERT_TRUE(r.first_failure) << "seed " << seed << ": " << describe(r);
    EXPECT_TRUE(starts_with(r.first_failure->failed.message(), c.failure)) << r.first_failure->failed.message();
  }
}

TEST_P(RaceTest, DfsFindsItWithItsDelayBoundAndNotWithOneLess) {
  const race_case& c = GetParam();
  const sim::program prog = bundled(c.name);
  if (c.dfs_k == 0) {
    // It needs more delays than a test can search: the smaller bound finds nothing.
    const sim::report clean = sim::explore(prog, opts(dfs(c.clean_k)));
    EXPECT_TRUE(clean.exhausted) << describe(clean);
    EXPECT_LE(clean.runs, c.dfs_budget);
    EXPECT_GT(clean.runs, 1u);
    EXPECT_EQ(clean.failures, 0u) << "K = " << c.clean_k << " finds it: " << describe(clean);
    return;
  }
  const sim::report found = sim::explore(prog, opts(dfs(c.dfs_k)));
  EXPECT_TRUE(found.exhausted) << describe(found);
  EXPECT_LE(found.runs, c.dfs_budget);
  ASSERT_TRUE(found.first_failure) << describe(found);
  EXPECT_TRUE(starts_with(found.first_failure->failed.message(), c.failure)) << found.first_failure->failed.message();
  const sim::report below = sim::explore(prog, opts(dfs(c.dfs_k - 1)));
  EXPECT_TRUE(below.exhausted);
  EXPECT_EQ(below.failures, 0u) << "K = " << c.dfs_k - 1 << " already finds it: " << describe(below);
}

TEST_P(RaceTest, ShrinkingKeepsTheFailureAndNeverGrowsIt) {
  const race_case& c = GetParam();
  const sim::program prog = bundled(c.name);
  for (auto kind : {sim::strategy_kind::random, sim::strategy_kind::pct}) {
    if (kind == sim::strategy_kind::pct && c.pct_budget == 0) continue;
    const sim::report r = sim::explore(prog, opts(with(kind, std::max(c.random_budget, c.pct_budget), 1)));
    ASSERT_TRUE(r.first_failure) << describe(r);
    const auto& f = *r.first_failure;
    EXPECT_LE(f.shrunk.deviations(), f.found.deviations());
    EXPECT_LE(f.shrunk.faults(), f.found.faults());
    EXPECT_LE(f.shrunk.delays(), f.found.delays());
    EXPECT_LE(f.shrunk.deviations(), c.shrunk_changes) << describe(r);
    EXPECT_GE(f.shrunk.deviations(), c.shrunk_min ? c.shrunk_min : c.cancel_faults ? 1u : c.shrunk_changes)
        << describe(r);
    EXPECT_EQ(f.shrunk.faults(), c.cancel_faults ? 1u : 0u) << describe(r);
    EXPECT_FALSE(f.race.empty()) << "the race is named";
    // The shrunk schedule still fails, the same way, with the trace reported.
    std::string mismatch;
    const sim::run_result again = sim::replay_run(prog, f.shrunk, mismatch);
    EXPECT_EQ(mismatch, "");
    ASSERT_TRUE(again.failed) << lines(again.trace);
    EXPECT_TRUE(sim::same_failure(*again.failed, f.failed)) << again.failed->message() << "\nfound: " << f.failed.message();
    EXPECT_EQ(again.trace, f.shrunk_trace);
    // Every change left is needed: flipping any one back to FIFO makes the run
    // pass, and each is named in the race (what `weft explore` prints under
    // "flipping any of these back to FIFO makes the run pass").
    std::size_t needed = 0;
    for (std::size_t i = 0; i < f.shrunk.decisions.size(); ++i) {
      if (!f.shrunk.decisions[i].choice) continue;
      sim::schedule flipped = f.shrunk;
      flipped.decisions[i].choice = 0;
      const sim::run_result out = sim::replay_run_by_position(prog, flipped).result;
      EXPECT_FALSE(out.failed) << "decision " << i << " flipped back to FIFO, the run still fails:\n"
                                 << lines(out.trace) << describe(r);
      ++needed;
    }
    EXPECT_EQ(f.race.size(), needed);
    // shrink() is idempotent on its own result.
    const sim::recorded_run twice = sim::shrink(prog, f.shrunk, *again.failed);
    EXPECT_EQ(twice.result.failed, again.failed);
    EXPECT_LE(twice.decisions.deviations(), f.shrunk.deviations());
  }
}

TEST_P(RaceTest, TokensOfTheFoundAndTheShrunkScheduleReplay) {
  const race_case& c = GetParam();
  const sim::program prog = bundled(c.name);
  const sim::report r = sim::explore(prog, opts(with(sim::strategy_kind::random, c.random_budget, 2)));
  ASSERT_TRUE(r.first_failure) << describe(r);
  const auto& f = *r.first_failure;
  for (const auto& [s, trace] : {std::pair{f.found, f.trace}, std::pair{f.shrunk, f.shrunk_trace}}) {
    const std::string token = sim::encode_token(s);
    std::string error;
    const auto decoded = sim::decode_token(token, error);
    ASSERT_TRUE(decoded) << error;
    std::string mismatch;
    const sim::run_result out = sim::replay_run(prog, *decoded, mismatch);
    EXPECT_EQ(mismatch, "") << "token " << token;
    ASSERT_TRUE(out.failed) << "token " << token;
    EXPECT_TRUE(sim::same_failure(*out.failed, f.failed)) << "token " << token << ": " << out.failed->message();
    EXPECT_EQ(out.trace, trace) << "token " << token << "\n" << lines(out.trace);
  }
}

TEST_P(RaceTest, DeterminismCheckFindsNothingToReport) {
  const race_case& c = GetParam();
  sim::explore_options o = opts(with(sim::strategy_kind::random, 200, 3));
  o.check_determinism = true;
  const sim::report r = sim::explore(bundled(c.name), o);
  EXPECT_TRUE(r.nondeterminism.empty()) << r.nondeterminism.front().message();
}

INSTANTIATE_TEST_SUITE_P(Bundled, RaceTest, testing::ValuesIn(races),
                         [](const testing::TestParamInfo<race_case>& info) { return weft_test::camel_case(info.param.name); });

TEST(RaceScenarioTest, EveryBundledScenarioIsCoveredHere) {
  std::set<std::string> files, covered;
  for (const auto& e : fs::directory_iterator(WEFT_SCENARIOS_DIR))
    if (e.path().extension() == ".json") files.insert(e.path().stem().string());
  for (const auto& c : races) covered.insert(c.name);
  for (const char* n : {"counter_with_lock", "reload_with_event", "counter_owned_by_one_task", "lock_released_in_finally"})
    covered.insert(n);
  EXPECT_EQ(files, covered);
}

TEST(RaceScenarioTest, TheTimerDecisionAloneBreaksEqualDeadlineTimers) {
  const sim::program prog = bundled("equal_deadline_timers");
  // The FIFO run takes exactly one timer decision: two timers due at t=5.
  always_zero zero;
  sim::sim_scheduler sched(zero, {});
  ASSERT_FALSE(prog(sched).failed);
  std::size_t timer_decisions = 0;
  for (const auto& d : sched.recorded().decisions)
    if (d.kind == sim::decision_kind::timer) {
      ++timer_decisions;
      EXPECT_EQ(d.options, 2u);
      EXPECT_EQ(d.at, 5 * scenario_tick()) << "taken when both timers fell due, at t=5";
    }
  EXPECT_EQ(timer_decisions, 1u);
  // Firing the later-scheduled timer first, all else FIFO, breaks it.
  sim::schedule s;
  s.decisions.push_back({sim::decision_kind::timer, 2, 1, 0, "", "", "", "", {}});
  std::string mismatch;
  const sim::run_result out = sim::replay_run(prog, s, mismatch);
  EXPECT_EQ(mismatch, "");
  EXPECT_EQ(message(out.failed), "assertion failed: config == v2 (was v1)") << lines(out.trace);
  // And its fixed twin survives the same schedule.
  const sim::run_result fixed = sim::replay_run(bundled("reload_with_event"), s, mismatch);
  EXPECT_EQ(mismatch, "");
  EXPECT_FALSE(fixed.failed) << lines(fixed.trace);
}

TEST(RaceScenarioTest, CancelLeaksLockNeverFailsWithoutInjectedCancels) {
  // No interleaving alone breaks it: whichever request goes first releases the lock.
  const sim::program prog = bundled("cancel_leaks_lock");
  EXPECT_EQ(sim::explore(prog, with(sim::strategy_kind::random, 2000, 0)).failures, 0u);
  EXPECT_EQ(sim::explore(prog, with(sim::strategy_kind::pct, 2000, 0)).failures, 0u);
  const sim::report d = sim::explore(prog, dfs(4));
  EXPECT_TRUE(d.exhausted);
  EXPECT_EQ(d.failures, 0u) << describe(d);
}

TEST(RaceScenarioTest, OneInjectedCancelOfTheLockHolderDeadlocks) {
  // The smallest failing schedule of cancel_leaks_lock: FIFO order, and one cancel
  // of request a where it awaits its query (a#1: its second step had not run yet).
  const sim::program prog = bundled("cancel_leaks_lock");
  sim::schedule s;
  s.decisions.push_back({sim::decision_kind::cancel, 2, 1, 0, "a#1", "a#1", "", "", {}});
  std::string mismatch;
  const sim::run_result out = sim::replay_run(prog, s, mismatch);
  EXPECT_EQ(mismatch, "");
  EXPECT_EQ(out.failed ? out.failed->kind : sim::failure_kind::assertion, sim::failure_kind::deadlock) << message(out.failed) << "\n" << lines(out.trace);
  // The fix survives it.
  const sim::run_result fixed = sim::replay_run(bundled("lock_released_in_finally"), s, mismatch);
  EXPECT_EQ(mismatch, "");
  EXPECT_FALSE(fixed.failed) << lines(fixed.trace);
}

// ---- the correct scenarios: no strategy breaks them ----

class CorrectTest : public testing::TestWithParam<const char*> {};

TEST_P(CorrectTest, RandomNeverBreaksIt) {
  const sim::report r = sim::explore(bundled(GetParam()), with(sim::strategy_kind::random, 2000, 0));
  EXPECT_EQ(r.runs, 2000u);
  EXPECT_EQ(r.failures, 0u) << describe(r);
}

TEST_P(CorrectTest, PctNeverBreaksIt) {
  const sim::report r = sim::explore(bundled(GetParam()), with(sim::strategy_kind::pct, 2000, 0));
  EXPECT_EQ(r.failures, 0u) << describe(r);
}

TEST_P(CorrectTest, DfsWithTwoDelaysIsExhaustedWithoutFailure) {
  const sim::report r = sim::explore(bundled(GetParam()), dfs(2));
  EXPECT_TRUE(r.exhausted) << describe(r);
  EXPECT_GT(r.runs, 1u) << "there is something to explore";
  EXPECT_EQ(r.failures, 0u) << describe(r);
}

TEST_P(CorrectTest, InjectedCancellationsDoNotBreakIt) {
  // A cancelled task ends main's body with CancelledError, which is not a
  // failure; what must not happen is an assertion, a deadlock or an error.
  sim::explore_options o = with(sim::strategy_kind::random, 2000, 0);
  o.faults.cancel = true;
  EXPECT_EQ(sim::explore(bundled(GetParam()), o).failures, 0u);
  sim::explore_options d = dfs(2);
  d.faults.cancel = true;
  const sim::report r = sim::explore(bundled(GetParam()), d);
  EXPECT_TRUE(r.exhausted);
  EXPECT_EQ(r.failures, 0u) << describe(r);
}

INSTANTIATE_TEST_SUITE_P(Bundled, CorrectTest,
                         testing::Values("counter_with_lock", "reload_with_event", "counter_owned_by_one_task",
                                         "lock_released_in_finally"),
                         weft_test::camel_case_name{});

// ---- tokens ----

sim::schedule every_kind() {
  sim::schedule s;
  s.decisions.push_back({sim::decision_kind::ready, 3, 0, 0, "a#0", "a#0", "", "", {}});  // FIFO: not in the token
  s.decisions.push_back({sim::decision_kind::ready, 3, 2, 1, "c#4", "a#4", "/coros/c/1", "/coros/a/2", 7s});
  s.decisions.push_back({sim::decision_kind::timer, 2, 1, 0, "", "", "", "", 5s});
  s.decisions.push_back({sim::decision_kind::cancel, 2, 1, 3, "worker #2#1", "worker #2#1", "", "", {}});
  s.decisions.push_back({sim::decision_kind::jitter, 1001, 1000, 300, "", "", "", "", {}});
  s.decisions.push_back({sim::decision_kind::ready, 200, 199, 100000, std::string(300, 'x') + "#9", "", "", "", {}});
  s.decisions.push_back({sim::decision_kind::ready, 2, 0, 100001, "z#0", "z#0", "", "", {}});  // FIFO tail
  return s;
}

TEST(TokenTest, EncodeDecodeRoundTripKeepsEveryDeviation) {
  const sim::schedule s = every_kind();
  const std::string token = sim::encode_token(s);
  EXPECT_TRUE(starts_with(token, "w1.")) << token;
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 3),
            std::string::npos)
      << "base64url only, no padding: " << token;
  std::string error;
  const auto back = sim::decode_token(token, error);
  ASSERT_TRUE(back) << error;
  std::vector<const sim::decision*> deviations;
  for (const auto& d : s.decisions)
    if (d.choice) deviations.push_back(&d);
  ASSERT_EQ(back->decisions.size(), deviations.size());
  for (std::size_t i = 0; i < deviations.size(); ++i) {
    const sim::decision &want = *deviations[i], &got = back->decisions[i];
    EXPECT_EQ(got.kind, want.kind) << i;
    EXPECT_EQ(got.choice, want.choice) << i;
    EXPECT_EQ(got.options, want.options) << i;
    EXPECT_EQ(got.ordinal, want.ordinal) << i;
    EXPECT_EQ(got.chosen, want.chosen) << i;
    EXPECT_EQ(got.displaced, want.displaced) << i;
  }
  EXPECT_EQ(back->deviations(), s.deviations());
  EXPECT_EQ(back->faults(), s.faults());
  EXPECT_EQ(back->delays(), s.delays());
  EXPECT_EQ(sim::encode_token(*back), token) << "encoding is canonical";
}

TEST(TokenTest, RoundTripOfEveryBodyLength) {
  // base64 without padding: body lengths 0, 1 and 2 (mod 3) all decode.
  for (std::size_t len = 0; len < 12; ++len) {
    sim::schedule s;
    s.decisions.push_back({sim::decision_kind::ready, 2, 1, len, std::string(len, 'n'), "", "", "", {}});
    std::string error;
    const auto back = sim::decode_token(sim::encode_token(s), error);
    ASSERT_TRUE(back) << "name length " << len << ": " << error;
    ASSERT_EQ(back->decisions.size(), 1u);
    EXPECT_EQ(back->decisions[0].chosen, std::string(len, 'n'));
    EXPECT_EQ(back->decisions[0].ordinal, len);
  }
}

TEST(TokenTest, NotATokenIsRejected) {
  std::string error;
  EXPECT_FALSE(sim::decode_token("hello", error));
  EXPECT_EQ(error, "not a schedule token (it should start with 'w1.')");
  EXPECT_FALSE(sim::decode_token("", error));
  EXPECT_EQ(error, "not a schedule token (it should start with 'w1.')");
}

TEST(TokenTest, TokenOfAnotherVersionIsRejected) {
  const std::string token = sim::encode_token(every_kind());
  std::string error;
  EXPECT_FALSE(sim::decode_token("w2." + token.substr(3), error));
  EXPECT_EQ(error, "schedule token of an unknown version (this weft reads w1)");
  EXPECT_FALSE(sim::decode_token("w10.AA", error));
  EXPECT_EQ(error, "schedule token of an unknown version (this weft reads w1)");
}

TEST(TokenTest, DamagedTokenIsRejected) {
  const std::string token = sim::encode_token(every_kind());
  std::string error;
  // A character outside base64url.
  std::string bad = token;
  bad[10] = '+';
  EXPECT_FALSE(sim::decode_token(bad, error));
  EXPECT_EQ(error, "schedule token has a character outside base64url at position 10");
  // Truncated: every proper prefix of the body fails to decode (or, if it
  // decodes, it is not the same schedule, which cannot happen: counts and lengths are checked).
  for (std::size_t cut = 4; cut < token.size(); cut += 5) {
    EXPECT_FALSE(sim::decode_token(token.substr(0, cut), error)) << "cut at " << cut;
    EXPECT_EQ(error, "schedule token is damaged (it does not decode)") << "cut at " << cut;
  }
  // Trailing garbage after a whole schedule.
  EXPECT_FALSE(sim::decode_token(token + "AAAA", error));
  EXPECT_EQ(error, "schedule token is damaged (it does not decode)");
  // A deviation whose choice is 0 (FIFO decisions are never written).
  sim::schedule s;
  s.decisions.push_back({sim::decision_kind::ready, 2, 1, 0, "a#0", "b#0", "", "", {}});
  std::string zero_choice = sim::encode_token(s);
  // body: count=1, kind=0, choice=1 ...: the third byte is the choice; base64 of "\x01\x00\x01" is "AQAB".
  ASSERT_TRUE(starts_with(zero_choice, "w1.AQAB")) << zero_choice;
  zero_choice.replace(3, 4, "AQAA");
  EXPECT_FALSE(sim::decode_token(zero_choice, error));
  EXPECT_EQ(error, "schedule token is damaged (it does not decode)");
  // An unknown decision kind.
  std::string bad_kind = sim::encode_token(s);
  bad_kind.replace(3, 4, "AQkB");  // kind 9
  EXPECT_FALSE(sim::decode_token(bad_kind, error));
  EXPECT_EQ(error, "schedule token is damaged (it does not decode)");
}

TEST(TokenTest, RandomBytesNeverCrashTheDecoder) {
  sim::rng r(77);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (int i = 0; i < 3000; ++i) {
    std::string t = "w1.";
    const auto n = r.below(40);
    for (std::uint64_t k = 0; k < n; ++k) t += alphabet[r.below(alphabet.size())];
    std::string error;
    const auto s = sim::decode_token(t, error);
    if (s) {
      for (const auto& d : s->decisions) EXPECT_NE(d.choice, 0u);
    } else {
      EXPECT_FALSE(error.empty());
    }
  }
}

TEST(TokenTest, TokenOfAnotherProgramDoesNotFit) {
  const sim::report r = sim::explore(bundled("lost_update"), with(sim::strategy_kind::random, 50, 0));
  ASSERT_TRUE(r.first_failure);
  std::string error;
  const auto s = sim::decode_token(sim::encode_token(r.first_failure->shrunk), error);
  ASSERT_TRUE(s) << error;
  std::string mismatch;
  sim::replay_run(bundled("lock_fairness"), *s, mismatch);
  EXPECT_NE(mismatch, "") << "lost_update's token replayed on lock_fairness";
  EXPECT_NE(mismatch.find("(the program changed?)"), std::string::npos) << mismatch;
  // And on its own program it fits.
  sim::replay_run(bundled("lost_update"), *s, mismatch);
  EXPECT_EQ(mismatch, "");
}

TEST(TokenTest, TokenStillReplaysAfterAnUnrelatedEdit) {
  // A lost update found on one program; then the program gains an unrelated
  // task (spawned first, yielding twice), which shifts every raw queue index.
  // The token names its deviation by task and step ("b#0 instead of a#0"), so
  // it still replays, to the same failure.
  const std::string race = R"({"coros": {
    "main": [%NOISE%{"op": "set", "var": "count", "value": 0},
             {"op": "spawn", "var": "a", "coro": "worker"}, {"op": "spawn", "var": "b", "coro": "late"},
             {"op": "await", "aw": {"task": "a"}}, {"op": "await", "aw": {"task": "b"}},
             {"op": "assert", "var": "count", "eq": 2}],
    "late": [{"op": "sleep", "d": 0}, {"op": "await", "aw": {"coro": "worker"}}],
    "worker": [{"op": "set", "var": ".seen", "value": "$count"}, {"op": "sleep", "d": 0},
               {"op": "set", "var": "count", "value": "$.seen"}, {"op": "add", "var": "count", "value": 1}],
    "noise": [{"op": "sleep", "d": 0}, {"op": "sleep", "d": 0}, {"op": "log", "msg": "noise"}]}})";
  auto with_noise = [&](const std::string& noise) {
    std::string text = race;
    text.replace(text.find("%NOISE%"), 7, noise);
    return text;
  };
  const sim::program original = from_text(with_noise(""));
  const sim::report r = sim::explore(original, with(sim::strategy_kind::random, 200, 0));
  ASSERT_TRUE(r.first_failure);
  const std::string token = sim::encode_token(r.first_failure->shrunk);
  std::string error;
  const auto s = sim::decode_token(token, error);
  ASSERT_TRUE(s) << error;

  const sim::program edited = from_text(with_noise(R"({"op": "spawn", "var": "n", "coro": "noise"}, )"));
  std::string mismatch;
  const sim::run_result out = sim::replay_run(edited, *s, mismatch);
  EXPECT_EQ(mismatch, "");
  EXPECT_EQ(out.failed, r.first_failure->failed);
  // The plain FIFO run of the edited program passes: the token made the difference.
  always_zero zero;
  sim::sim_scheduler fifo(zero, {});
  EXPECT_FALSE(edited(fifo).failed);
}

TEST(TokenTest, ReplayThroughTheCppApiRejectsBadTokens) {
  auto body = []() -> weft::coro<void> { co_await weft::sleep(0s); };
  EXPECT_THROW(sim::replay(body, "w1.!"), std::invalid_argument);
  EXPECT_THROW(sim::replay(body, "w9.AA"), std::invalid_argument);
  try {
    sim::schedule s;
    s.decisions.push_back({sim::decision_kind::ready, 2, 1, 0, "ghost#0", "main#0", "", "", {}});
    sim::replay(body, sim::encode_token(s));
    ADD_FAILURE() << "a token naming a task the body never has was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(starts_with(e.what(), "the schedule token does not fit this test: ")) << e.what();
  }
}

// ---- determinism: seeds, jobs, shards ----

TEST(DeterminismTest, SameSeedSameReport) {
  const sim::program prog = bundled("watchdog_three_strikes");
  for (auto kind : {sim::strategy_kind::random, sim::strategy_kind::pct, sim::strategy_kind::coverage}) {
    const auto o = with(kind, 600, 12);
    const sim::report a = sim::explore(prog, o), b = sim::explore(prog, o);
    ASSERT_TRUE(a.first_failure) << describe(a);
    expect_same_report(a, b, sim::strategy_name(kind));
  }
  const sim::report a = sim::explore(prog, dfs(3)), b = sim::explore(prog, dfs(3));
  expect_same_report(a, b, "dfs");
}

TEST(DeterminismTest, ReportDoesNotDependOnJobs) {
  for (const char* name : {"watchdog_three_strikes", "cancel_leaks_lock"}) {
    const sim::program prog = bundled(name);
    for (auto kind : {sim::strategy_kind::random, sim::strategy_kind::pct, sim::strategy_kind::coverage}) {
      sim::explore_options o = with(kind, 700, 5);
      o.faults.cancel = std::string(name) == "cancel_leaks_lock";
      o.jobs = 1;
      const sim::report one = sim::explore(prog, o);
      ASSERT_TRUE(one.first_failure) << name << ": " << describe(one);
      for (unsigned jobs : {2u, 4u}) {
        o.jobs = jobs;
        expect_same_report(one, sim::explore(prog, o), std::string(name) + " jobs " + std::to_string(jobs));
      }
    }
  }
}

TEST(DeterminismTest, ShardsMergeToTheUnshardedReport) {
  const sim::program prog = bundled("watchdog_three_strikes");
  for (auto kind : {sim::strategy_kind::random, sim::strategy_kind::pct}) {
    const sim::report whole = sim::explore(prog, with(kind, 800, 2));
    ASSERT_TRUE(whole.first_failure);
    std::vector<sim::report> shards;
    for (std::uint64_t i = 0; i < 2; ++i) {
      sim::explore_options o = with(kind, 800, 2);
      o.shard_index = i;
      o.shard_count = 2;
      o.jobs = 2;
      shards.push_back(sim::explore(prog, o));
    }
    EXPECT_EQ(shards[0].runs + shards[1].runs, whole.runs);
    EXPECT_EQ(shards[0].runs, 400u);
    EXPECT_EQ(shards[0].failures + shards[1].failures, whole.failures);
    std::set<std::uint64_t> merged(shards[0].trace_hashes.begin(), shards[0].trace_hashes.end());
    merged.insert(shards[1].trace_hashes.begin(), shards[1].trace_hashes.end());
    EXPECT_EQ(std::vector<std::uint64_t>(merged.begin(), merged.end()), whole.trace_hashes);
    // The earliest failure of the shards is the unsharded first failure, with the same token.
    const sim::report* first = nullptr;
    for (const auto& s : shards)
      if (s.first_failure && (!first || s.first_failure->run < first->first_failure->run)) first = &s;
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->first_failure->run, whole.first_failure->run);
    EXPECT_EQ(first->first_failure->run % 2, static_cast<std::uint64_t>(first - shards.data()));
    EXPECT_EQ(sim::encode_token(first->first_failure->shrunk), sim::encode_token(whole.first_failure->shrunk));
  }
}

TEST(DeterminismTest, DfsDoesNotDependOnJobs) {
  const sim::program prog = bundled("taskgroup_cancel_order");
  sim::explore_options o = dfs(3);
  const sim::report one = sim::explore(prog, o);
  o.jobs = 4;
  expect_same_report(one, sim::explore(prog, o), "dfs jobs 4");
}

// ---- fault injection ----

TEST(FaultTest, JitterMakesTimersLateButNeverEarly) {
  // One task sleeps 10 ticks and logs; with jitter up to 3 ticks, it logs at 10..13.
  const sim::program prog = from_text(R"({"coros": {"main": [{"op": "sleep", "d": 10}, {"op": "log", "msg": "woke"}]}})");
  sim::explore_options o = with(sim::strategy_kind::random, 200, 1);
  o.faults.jitter = true;
  o.faults.jitter_ticks = 3;
  o.faults.tick = scenario_tick();  // as weft explore sets it
  const sim::report r = sim::explore(prog, o);
  EXPECT_EQ(r.failures, 0u);
  EXPECT_EQ(r.trace_hashes.size(), 4u) << "woke at 10, 11, 12 or 13";
  for (std::uint32_t late = 0; late <= 3; ++late) {
    sim::schedule s;
    if (late) s.decisions.push_back({sim::decision_kind::jitter, 4, late, 0, "", "", "", "", {}});
    std::string mismatch;
    const sim::run_result out = sim::replay_run(prog, s, mismatch, nullptr, scenario_tick());
    EXPECT_EQ(mismatch, "");
    ASSERT_FALSE(out.trace.empty());
    EXPECT_EQ(out.trace[0], std::to_string(10 + late) + " main: woke");
  }
}

TEST(FaultTest, FaultsAreOffUnlessAsked) {
  // cancel_leaks_lock only fails with a cancel: a random exploration without
  // --faults takes no cancel decision at all.
  const sim::report r = sim::explore(bundled("cancel_leaks_lock"), with(sim::strategy_kind::random, 300, 0));
  EXPECT_EQ(r.failures, 0u);
  always_zero zero;
  sim::sim_scheduler sched(zero, {});
  bundled("cancel_leaks_lock")(sched);
  for (const auto& d : sched.recorded().decisions) {
    EXPECT_NE(d.kind, sim::decision_kind::cancel);
    EXPECT_NE(d.kind, sim::decision_kind::jitter);
  }
}

// ---- limits of a C++ body's run ----

TEST(BodyLimitsTest, ASpawnStormFailsAsLimitReached) {
  auto storm = []() -> weft::coro<void> {
    auto nap = []() -> weft::coro<void> { co_await weft::sleep(1s); };
    for (;;) (void)weft::create_task(nap());
    co_return;
  };
  const sim::report r = sim::explore(storm, {.runs = 2});
  ASSERT_TRUE(r.first_failure);
  EXPECT_EQ(r.first_failure->failed.message(),
            "limit reached: more than 100000 tasks alive at once (loop_options::max_tasks)");
  const sim::report small = sim::explore(storm, {.runs = 2}, {.max_tasks = 10});
  ASSERT_TRUE(small.first_failure);
  EXPECT_EQ(small.first_failure->failed.message(),
            "limit reached: more than 10 tasks alive at once (loop_options::max_tasks)");
}

TEST(BodyLimitsTest, AHeapLimitReachedBesideOtherRunsIsCheckedAlone) {
  if (weft::heap_in_use() == 0) GTEST_SKIP() << "the allocator does not report its heap (no mallinfo2, or a sanitizer's allocator)";
  // Each run holds 48 MiB across 2048 loop iterations; the limit is 64 MiB
  // more than the heap holds now. One run alone stays under it; runs side by
  // side may not, and are then run again alone: no failure whatever the jobs.
  const std::size_t limit = weft::heap_in_use() + (std::size_t{64} << 20);
  auto hold = []() -> weft::coro<void> {
    const std::unique_ptr<char[]> block(new char[std::size_t{48} << 20]);
    for (int i = 0; i < 2048; ++i) co_await weft::sleep(0s);
    WEFT_CHECK(block != nullptr);
  };
  for (unsigned jobs : {1u, 4u}) {
    const sim::report r = sim::explore(hold, {.runs = 16, .jobs = jobs}, {.max_heap = limit});
    EXPECT_EQ(r.failures, 0u) << "jobs " << jobs << ": " << sim::format_report(r, {.runs = 16, .jobs = jobs});
  }
  const sim::report over = sim::explore(hold, {.runs = 4, .jobs = 4}, {.max_heap = limit - (std::size_t{32} << 20)});
  EXPECT_EQ(over.failures, 4u) << "alone, a run past the limit still fails";
}

}  // namespace
