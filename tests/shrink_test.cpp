// Shrinking a failing schedule and naming its race (sim/include/weft/sim/shrink.hpp),
// with faults on: faults and deviations stay on the task steps they hit (issue #13),
// and the shrunk schedule is 1-minimal.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "cli.hpp"
#include "weft/scenario/parse.hpp"
#include "weft/scenario/sim_program.hpp"
#include "weft/sim/sim.hpp"

namespace {

namespace sim = weft::sim;

sim::program scenario_program(const std::string& path) {
  auto prog = std::make_shared<const weft::scenario::program>(weft::scenario::parse_file(path));
  return [prog, run = weft::scenario::sim_program(*prog)](weft::scheduler& s) { return run(s); };
}

std::string describe_all(const std::vector<sim::decision>& ds) {
  std::string out;
  for (const auto& d : ds) out += "  " + sim::describe(d) + "\n";
  return out;
}

std::string show(const sim::schedule& s) {
  std::string out;
  for (const auto& d : s.decisions)
    if (d.choice) out += "  " + sim::describe(d) + "\n";
  return out;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

bool fails_like(const sim::run_result& r, const sim::failure& f) { return r.failed && sim::same_failure(*r.failed, f); }

/// Checks what shrink promises of `f` (a report's first failure): the shrunk
/// schedule replays by its token to the same failure, flipping any one of its
/// deviations back to FIFO (replayed by identity, as name_race does) makes the
/// run pass or fail differently, and the race is exactly its deviations.
void expect_one_minimal(const sim::program& prog, const sim::failure_report& f, weft::duration tick,
                        const std::string& what) {
  SCOPED_TRACE(what + "\nfound:\n" + show(f.found) + "shrunk:\n" + show(f.shrunk));
  std::string error, mismatch;
  const auto decoded = sim::decode_token(sim::encode_token(f.shrunk), error);
  ASSERT_TRUE(decoded) << error;
  const sim::run_result again = sim::replay_run(prog, *decoded, mismatch, nullptr, tick);
  EXPECT_EQ(mismatch, "");
  EXPECT_TRUE(fails_like(again, f.failed)) << (again.failed ? again.failed->message() : "it passes");
  EXPECT_LE(f.shrunk.deviations(), f.found.deviations());
  EXPECT_LE(f.shrunk.faults(), f.found.faults());
  std::vector<sim::decision> needed;
  for (std::size_t i = 0; i < f.shrunk.decisions.size(); ++i) {
    if (!f.shrunk.decisions[i].choice) continue;
    sim::schedule flipped = *decoded;  // the token's deviations, in order
    flipped.decisions.erase(flipped.decisions.begin() + static_cast<std::ptrdiff_t>(needed.size()));
    needed.push_back(f.shrunk.decisions[i]);
    std::string m;
    const sim::run_result out = sim::replay_run(prog, flipped, m, nullptr, tick);
    EXPECT_FALSE(fails_like(out, f.failed)) << "without " << sim::describe(f.shrunk.decisions[i])
                                            << " the run still fails the same way";
  }
  EXPECT_EQ(f.race, needed) << "race:\n" << describe_all(f.race);
}

// ---- issue #13: a lock held across a long sleep, released only on success ----

// The only fault that breaks tests/scenarios/cancel_holder_at_long_sleep.json is a
// cancel of the holder while it sleeps with the lock (its statement 2); no
// interleaving is needed. Whatever else the found run did, the race is that cancel.
TEST(ShrinkTest, ACancelOfTheLockHolderIsTheWholeRace) {
  const std::string path = std::string(WEFT_TESTS_DIR) + "/scenarios/cancel_holder_at_long_sleep.json";
  const sim::program prog = scenario_program(path);
  int with_reorderings = 0;
  for (auto kind : {sim::strategy_kind::random, sim::strategy_kind::pct}) {
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
      sim::explore_options o;
      o.strategy = kind;
      o.seed = seed;
      o.runs = 2000;
      o.faults.cancel = true;
      const sim::report r = sim::explore(prog, o);
      ASSERT_TRUE(r.first_failure) << "seed " << seed;
      const sim::failure_report& f = *r.first_failure;
      const std::string what = (kind == sim::strategy_kind::pct ? "pct" : "random") + std::string(" seed ") +
                               std::to_string(seed);
      EXPECT_EQ(f.failed.kind, sim::failure_kind::deadlock) << what << ": " << f.failed.message();
      if (f.found.deviations() > f.found.faults()) ++with_reorderings;
      ASSERT_EQ(f.race.size(), 1u) << what << "\n" << describe_all(f.race);
      const sim::decision& d = f.race.front();
      EXPECT_EQ(d.kind, sim::decision_kind::cancel) << what;
      EXPECT_EQ(d.chosen.rfind("holder#", 0), 0u) << what << ": " << d.chosen;
      EXPECT_EQ(d.chosen_site, "/coros/holder/2") << what;
      EXPECT_EQ(f.shrunk.deviations(), 1u) << what;
      EXPECT_EQ(f.shrunk.faults(), 1u) << what;
      expect_one_minimal(prog, f, o.faults.tick, what);
    }
  }
  // The case of the issue: found runs that also reordered tasks.
  EXPECT_GT(with_reorderings, 0);
}

// The cancel alone, as a schedule of its own, deadlocks the same way.
TEST(ShrinkTest, TheCancelAloneReplaysTheDeadlock) {
  const std::string path = std::string(WEFT_TESTS_DIR) + "/scenarios/cancel_holder_at_long_sleep.json";
  const sim::program prog = scenario_program(path);
  sim::explore_options o;
  o.runs = 2000;
  o.faults.cancel = true;
  const sim::report r = sim::explore(prog, o);
  ASSERT_TRUE(r.first_failure);
  sim::schedule only_the_cancel;
  for (const auto& d : r.first_failure->found.decisions)
    if (d.kind == sim::decision_kind::cancel && d.choice && d.chosen_site == "/coros/holder/2")
      only_the_cancel.decisions.push_back(d);
  ASSERT_EQ(only_the_cancel.decisions.size(), 1u) << show(r.first_failure->found);
  std::string mismatch;
  const sim::run_result out = sim::replay_run(prog, only_the_cancel, mismatch);
  EXPECT_EQ(mismatch, "");
  EXPECT_TRUE(fails_like(out, r.first_failure->failed)) << (out.failed ? out.failed->message() : "it passes");
}

// What the issue ran: `weft explore FILE --faults cancel --seed S --runs 2000`
// prints a race of one line, the cancel, for each of seeds 0..9.
class ShrinkCliTest : public weft_test::cli_fixture {};

TEST_F(ShrinkCliTest, ExplorePrintsTheCancelAsTheWholeRace) {
  const std::string path = std::string(WEFT_TESTS_DIR) + "/scenarios/cancel_holder_at_long_sleep.json";
  for (int seed = 0; seed < 10; ++seed) {
    const weft_test::cli_result r =
        weft({"explore", path, "--faults", "cancel", "--seed", std::to_string(seed), "--runs", "2000"});
    EXPECT_EQ(r.exit_code, 1) << weft_test::show(r);
    const std::vector<std::string> lines = split_lines(r.out);
    auto race = std::find_if(lines.begin(), lines.end(),
                             [](const std::string& l) { return l.find("  the race (") == 0; });
    ASSERT_NE(race, lines.end()) << weft_test::show(r);
    std::vector<std::string> named;
    for (auto it = race + 1; it != lines.end() && it->rfind("    ", 0) == 0; ++it) named.push_back(*it);
    ASSERT_EQ(named.size(), 1u) << "seed " << seed << "\n" << r.out;
    EXPECT_EQ(named[0].rfind("    an injected cancel of holder#", 0), 0u) << "seed " << seed << "\n" << r.out;
  }
}

// ---- generated programs ----

/// A random program of 2 to 4 workers (w0, w1, ...) over one lock, one event and
/// a counter. A worker's operations: sleep 0 to 2 ticks; hold the lock across a
/// sleep and release it only on success (a cancel there leaks it: deadlock);
/// increment the counter across a yield (a reordering loses an update); set the
/// event, or wait for it (only if some worker sets it). Main gathers the workers
/// (exceptions returned, so a cancelled worker is no failure) and checks that
/// every completed increment counted.
struct generated {
  enum class op : std::uint8_t { sleep, locked, increment, set, wait };
  struct step {
    op what;
    int ticks;
  };
  std::vector<std::vector<step>> workers;

  explicit generated(std::uint64_t seed) {
    sim::rng g(seed);
    workers.resize(2 + g.below(3));
    bool setter = false;
    for (auto& w : workers) {
      w.resize(1 + g.below(3));
      for (auto& s : w) {
        s = {static_cast<op>(g.below(4)), static_cast<int>(g.below(3))};
        setter = setter || s.what == op::set;
      }
    }
    // A waiter only where someone sets the event, so FIFO does not deadlock on it.
    if (setter) {
      auto& w = workers[g.below(workers.size())];
      w.insert(w.begin(), {op::wait, 0});
    }
  }

  std::string text() const {
    std::ostringstream os;
    const char* names[] = {"sleep", "locked", "increment", "set", "wait"};
    for (std::size_t i = 0; i < workers.size(); ++i) {
      os << "w" << i << ":";
      for (const auto& s : workers[i]) os << " " << names[static_cast<int>(s.what)] << "(" << s.ticks << ")";
      os << "\n";
    }
    return os.str();
  }

  struct shared {
    weft::lock lock;
    weft::event event;
    int counter = 0, counted = 0;
  };

  static weft::coro<void> worker(std::shared_ptr<shared> sh, std::vector<step> steps) {
    for (const step& s : steps) {
      const weft::duration d = std::chrono::seconds(s.ticks);
      switch (s.what) {
        case op::sleep: co_await weft::sleep(d); break;
        case op::locked:
          co_await sh->lock.acquire();
          co_await weft::sleep(d);
          sh->lock.release();  // not in a finally: a cancel above leaks the lock
          break;
        case op::increment: {
          const int seen = sh->counter;
          co_await weft::sleep(d);
          sh->counter = seen + 1;
          ++sh->counted;
          break;
        }
        case op::set: sh->event.set(); break;
        case op::wait: co_await sh->event.wait(); break;
      }
    }
  }

  sim::program program() const {
    return sim::body_program([ws = workers]() -> weft::coro<void> {
      auto sh = std::make_shared<shared>();
      std::vector<weft::task<void>> tasks;
      for (std::size_t i = 0; i < ws.size(); ++i)
        tasks.push_back(weft::create_task(worker(sh, ws[i]), {.name = "w" + std::to_string(i)}));
      co_await weft::gather(weft::return_exceptions, tasks);
      WEFT_CHECK(sh->counter == sh->counted);
    });
  }
};

// Over many generated programs, explored with cancel faults (and random or PCT
// orders): the first failure shrinks to a 1-minimal schedule whose race is all of it.
TEST(ShrinkTest, ShrunkSchedulesOfGeneratedProgramsAreOneMinimal) {
  int failing = 0, with_faults = 0, reduced = 0;
  for (std::uint64_t seed = 0; seed < 120; ++seed) {
    const generated g(seed);
    const sim::program prog = g.program();
    sim::explore_options o;
    o.strategy = seed % 2 ? sim::strategy_kind::pct : sim::strategy_kind::random;
    o.seed = seed;
    o.runs = 100;
    o.faults.cancel = true;
    const sim::report r = sim::explore(prog, o);
    if (!r.first_failure) continue;
    ++failing;
    const sim::failure_report& f = *r.first_failure;
    if (f.shrunk.faults()) ++with_faults;
    if (f.shrunk.deviations() < f.found.deviations()) ++reduced;
    expect_one_minimal(prog, f, o.faults.tick, "program " + std::to_string(seed) + ":\n" + g.text());
  }
  // The loop checked something: failures, some that need a fault, some shrunk.
  EXPECT_GE(failing, 60);
  EXPECT_GE(with_faults, 40);
  EXPECT_GE(reduced, 40);
}

}  // namespace
