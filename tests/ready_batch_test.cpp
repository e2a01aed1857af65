// The simulator's ready_batch (sim/include/weft/sim/ready_batch.hpp) and
// present_positions: a batch answers every question as a scan of the
// candidates would, and PCT chooses with one as it does without. Then the
// reason they exist: tests/scenarios/fan_out_32768.json, 32,768 tasks ready
// in one loop iteration, runs under every strategy and replays in about the
// time of its FIFO run. No time is asserted; a decision that costs O(ready)
// again makes a fan-out test run for minutes, past its ctest TIMEOUT
// (tests/CMakeLists.txt).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "weft/scenario/parse.hpp"
#include "weft/sim/sim.hpp"
#include <weft/scenario/sim_program.hpp>

namespace {

namespace sim = weft::sim;

// ---- present_positions ----

TEST(PresentPositionsTest, RanksWhatIsLeftAsAVectorWould) {
  for (std::size_t n : {1u, 2u, 7u, 64u, 100u}) {
    sim::present_positions p;
    p.fill(n);
    std::vector<std::size_t> left(n);
    for (std::size_t i = 0; i < n; ++i) left[i] = i;
    sim::rng r(n);
    while (!left.empty()) {
      for (std::size_t k = 0; k < left.size(); ++k) {
        ASSERT_EQ(p.select(k), left[k]) << "n " << n;
        ASSERT_EQ(p.before(left[k]), k) << "n " << n;
      }
      const std::size_t k = static_cast<std::size_t>(r.below(left.size()));
      p.remove(left[k]);
      left.erase(left.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
}

// ---- ready_batch against a scan ----

/// A fan-out of `depth` levels as a scenario: level k gathers two copies of
/// level k-1, as tasks named a and b (odd k) or as coroutines (even k); each
/// leaf yields, then sleeps `leaf_sleep` ticks (0: a second yield) and adds
/// one to n. Equal names, equal identities, done callbacks of gathers and
/// timers due at the same instant all come in big batches.
std::string fan_out(int depth, int leaf_sleep) {
  std::string coros = R"("main": [{"op": "set", "var": "n", "value": 0}, {"op": "await", "aw": {"coro": "l)" +
                      std::to_string(depth) + R"("}}])";
  for (int k = 1; k <= depth; ++k) {
    const std::string below = "\"l" + std::to_string(k - 1) + "\"";
    coros += ", \"l" + std::to_string(k) + "\": ";
    coros += k % 2 ? R"([{"op": "spawn", "var": ".a", "name": "a", "coro": )" + below +
                         R"(}, {"op": "spawn", "var": ".b", "name": "b", "coro": )" + below +
                         R"(}, {"op": "gather", "items": [{"task": ".a"}, {"task": ".b"}]}])"
                   : R"([{"op": "gather", "items": [{"coro": )" + below + R"(}, {"coro": )" + below + "}]}]";
  }
  coros += R"(, "l0": [{"op": "sleep", "d": 0}, {"op": "sleep", "d": )" + std::to_string(leaf_sleep) +
           R"(}, {"op": "add", "var": "n", "value": 1}])";
  return "{\"coros\": {" + coros + "}}";
}

/// Chooses at random, and at every ready decision checks the batch's
/// answers against ready_candidates without a batch (which scans).
class checking_scheduler final : public weft::scheduler {
 public:
  explicit checking_scheduler(std::uint64_t seed) : rng_(seed) {}

  std::size_t pick(std::span<const weft::ready_entry> ready) override {
    const std::uint64_t before = batch_.id();
    std::vector<weft::detail::ready_item> nodes;
    for (const auto& e : ready) nodes.push_back(e.item());
    const bool rest = nodes == rest_ && ready.data() == rest_data_;
    batch_.observe(ready);
    EXPECT_EQ(batch_.id() == before, rest) << "decision " << decisions_;
    EXPECT_NE(batch_.id(), 0u);
    if (rest) ++continued_;
    const sim::ready_candidates fast(ready, &batch_), slow(ready);
    EXPECT_EQ(fast.batch(), batch_.id());
    EXPECT_EQ(slow.batch(), 0u);
    for (std::size_t i = 0; i < ready.size(); ++i) {
      const std::string id = slow.identity(i);
      EXPECT_EQ(fast.identity(i), id) << "decision " << decisions_ << " candidate " << i;
      EXPECT_EQ(fast.find(id), slow.find(id)) << id;
      EXPECT_EQ(slow.identity(slow.find(id)), id);
      EXPECT_EQ(fast.index_at(fast.position(i)), i);
      if (ready[i].task()) {
        // NAME#STEPS, matched whole: not a longer step count, another name or no count.
        EXPECT_EQ(id, ready[i].task_name() + '#' + std::to_string(ready[i].task_steps()));
        EXPECT_TRUE(sim::has_task_identity(ready[i], id));
        EXPECT_FALSE(sim::has_task_identity(ready[i], id + "0")) << id;
        EXPECT_FALSE(sim::has_task_identity(ready[i], "x" + id)) << id;
        EXPECT_FALSE(sim::has_task_identity(ready[i], id.substr(0, id.rfind('#') + 1))) << id;
      }
    }
    for (const char* absent : {"nobody#0", "a#99", "~done(nobody)#0", "~callback#99999", "~callback#01", "x"})
      EXPECT_EQ(fast.find(absent), slow.find(absent)) << absent;
    const std::size_t c = static_cast<std::size_t>(rng_.below(ready.size()));
    EXPECT_EQ(fast.index_at(fast.position(c)), c);
    rest_ = nodes;
    rest_.erase(rest_.begin() + static_cast<std::ptrdiff_t>(c));
    rest_data_ = ready.size() > 2 ? ready.data() + 1 : nullptr;
    if (!rest_data_) rest_.clear();
    const std::size_t chosen_position = fast.position(c);
    batch_.chose(c);
    EXPECT_EQ(fast.index_at(chosen_position), fast.size()) << "a chosen candidate has left the batch";
    ++decisions_;
    return c;
  }

  std::size_t decisions_ = 0, continued_ = 0;

 private:
  sim::ready_batch batch_;
  sim::rng rng_;
  std::vector<weft::detail::ready_item> rest_;
  const weft::ready_entry* rest_data_ = nullptr;
};

TEST(ReadyBatchTest, AnswersAsAScanOfTheCandidatesWould) {
  for (int leaf_sleep : {0, 1}) {
    const auto prog = weft::scenario::parse(fan_out(6, leaf_sleep), "fan_out.json");
    for (std::uint64_t seed = 0; seed < 3; ++seed) {
      checking_scheduler check(seed);
      const sim::run_result out = weft::scenario::sim_program(prog)(check);
      EXPECT_FALSE(out.failed) << out.failed->message();
      EXPECT_GT(check.continued_, check.decisions_ / 2) << "most decisions continue a batch";
    }
  }
}

/// Asks two PCTs of the same seed at every decision, one given the batch
/// and one not; they must agree.
class twin_pct final : public sim::strategy {
 public:
  twin_pct(std::uint64_t seed, unsigned depth) : with_(seed, depth, 64), without_(seed, depth, 64) {}
  void start_run(std::uint64_t run) override {
    with_.start_run(run);
    without_.start_run(run);
  }
  bool needs_identities() const override { return true; }
  std::size_t choose(const sim::choice_point& p) override {
    std::size_t c = with_.choose(p);
    if (p.ready) {
      // The same candidates, seen without their batch: every decision stands alone.
      std::vector<std::string> ids;
      for (std::size_t i = 0; i < p.ready->size(); ++i) ids.push_back(p.ready->identity(i));
      const sim::ready_candidates alone(ids);
      sim::choice_point q = p;
      q.ready = &alone;
      EXPECT_EQ(without_.choose(q), c) << "decision " << asked_;
      ++asked_;
    } else {
      EXPECT_EQ(without_.choose(p), c);
    }
    return c;
  }
  std::size_t asked_ = 0;

 private:
  sim::pct with_, without_;
};

TEST(ReadyBatchTest, PctChoosesWithABatchAsWithout) {
  const auto prog = weft::scenario::parse(fan_out(6, 1), "fan_out.json");
  for (unsigned depth : {1u, 3u, 10u})
    for (std::uint64_t run = 0; run < 3; ++run) {
      twin_pct twins(7, depth);
      twins.start_run(run);
      const sim::recorded_run r = sim::run_once(weft::scenario::sim_program(prog), twins);
      EXPECT_FALSE(r.result.failed);
      EXPECT_GT(twins.asked_, 100u);
      EXPECT_GT(r.decisions.deviations(), 0u) << "depth " << depth << " run " << run;
    }
}

// ---- 32,768 tasks ready at once ----

/// tests/scenarios/fan_out_32768.json, parsed once.
const weft::scenario::program& fan_out_32768() {
  static const auto prog = std::make_unique<const weft::scenario::program>(
      weft::scenario::parse_file(std::string(WEFT_TESTS_DIR) + "/scenarios/fan_out_32768.json"));
  return *prog;
}

/// Every schedule ends the same way: every leaf counted, main done.
void expect_complete(const sim::run_result& r, const std::string& what) {
  EXPECT_FALSE(r.failed) << what << ": " << r.failed->message();
  EXPECT_NE(std::find(r.trace.begin(), r.trace.end(), "0 main: leaves 32768"), r.trace.end()) << what;
  EXPECT_NE(std::find(r.trace.begin(), r.trace.end(), "= main result None"), r.trace.end()) << what;
}

/// One run of the fan-out under `kind` (run 0, seed 1), recorded.
sim::recorded_run run_fan_out(sim::strategy_kind kind) {
  sim::explore_options o;
  o.strategy = kind;
  o.seed = 1;
  const auto strat = sim::make_strategy(o);
  strat->start_run(0);
  return sim::run_once(weft::scenario::sim_program(fan_out_32768()), *strat);
}

TEST(FanOutTest, RunsUnderFifo) {
  sim::fifo f;
  const sim::recorded_run r = sim::run_once(weft::scenario::sim_program(fan_out_32768()), f);
  expect_complete(r.result, "fifo");
  EXPECT_GT(r.decisions.decisions.size(), 3u * 32768) << "three batches of the leaves at least";
  EXPECT_EQ(r.decisions.deviations(), 0u);
}

TEST(FanOutTest, RunsUnderPct) {
  const sim::recorded_run r = run_fan_out(sim::strategy_kind::pct);
  expect_complete(r.result, "pct");
  EXPECT_GT(r.decisions.deviations(), 1000u);
}

TEST(FanOutTest, RunsUnderRandom) {
  const sim::recorded_run r = run_fan_out(sim::strategy_kind::random);
  expect_complete(r.result, "random");
  EXPECT_GT(r.decisions.deviations(), 3u * 32000);
}

TEST(FanOutTest, RunsUnderDfs) {
  sim::explore_options o;
  o.strategy = sim::strategy_kind::dfs;
  o.runs = 2;  // the FIFO schedule, then one delay at the last decision
  const sim::report rep = sim::explore(weft::scenario::sim_program(fan_out_32768()), o);
  EXPECT_EQ(rep.runs, 2u);
  EXPECT_EQ(rep.failures, 0u);
}

TEST(FanOutTest, ReplaysAPctRunExactly) {
  // Tens of thousands of deviations, each found by identity in a batch of thousands.
  const sim::recorded_run r = run_fan_out(sim::strategy_kind::pct);
  std::string error;
  const std::optional<sim::schedule> token = sim::decode_token(sim::encode_token(r.decisions), error);
  ASSERT_TRUE(token) << error;
  std::string mismatch;
  sim::schedule again;
  const sim::run_result out =
      sim::replay_run(weft::scenario::sim_program(fan_out_32768()), *token, mismatch, &again);
  EXPECT_EQ(mismatch, "");
  expect_complete(out, "replay");
  EXPECT_EQ(out.trace, r.result.trace);
  EXPECT_EQ(again, r.decisions);
}

TEST(FanOutTest, ReplaysTheFifoToken) {
  std::string error;
  const std::optional<sim::schedule> fifo = sim::decode_token("w1.AA", error);
  ASSERT_TRUE(fifo) << error;
  std::string mismatch;
  sim::schedule again;
  const sim::run_result out =
      sim::replay_run(weft::scenario::sim_program(fan_out_32768()), *fifo, mismatch, &again);
  EXPECT_EQ(mismatch, "");
  expect_complete(out, "replay");
  EXPECT_EQ(again.deviations(), 0u);
}

}  // namespace
