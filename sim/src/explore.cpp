#include "weft/sim/explore.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <thread>

#include "weft/sim/coverage_guided.hpp"
#include "weft/sim/delay_bounded.hpp"
#include "weft/sim/pct.hpp"
#include "weft/sim/random_walk.hpp"
#include "weft/sim/rng.hpp"
#include "weft/sim/shrink.hpp"

namespace weft::sim {

namespace {

/// The coverage strategy outside explore: over a corpus of its own, which
/// learns from nothing (explore keeps the corpus and feeds it each run).
class coverage_alone final : public strategy {
 public:
  explicit coverage_alone(std::uint64_t seed) : guided_(seed, corpus_) {}
  void start_run(std::uint64_t i) override { guided_.start_run(i); }
  std::size_t choose(const choice_point& p) override { return guided_.choose(p); }
  bool wants_coverage() const override { return true; }

 private:
  coverage_corpus corpus_;
  coverage_guided guided_;
};

}  // namespace

std::unique_ptr<strategy> make_strategy(const explore_options& o) {
  switch (o.strategy) {
    case strategy_kind::pct: return std::make_unique<pct>(o.seed, o.depth, o.pct_steps);
    case strategy_kind::dfs: return std::make_unique<delay_bounded>(o.max_delays);
    case strategy_kind::coverage: return std::make_unique<coverage_alone>(o.seed);
    case strategy_kind::random: break;
  }
  return std::make_unique<random_walk>(o.seed);
}

std::string nondeterministic_run::message() const { return "run " + std::to_string(run) + " " + detail; }

namespace {

/// The faults strategies explore: random and pct take them as asked.
class with_faults final : public strategy {
 public:
  with_faults(strategy& inner, const fault_options& f) : inner_(inner), f_(f) {}
  void start_run(std::uint64_t i) override { inner_.start_run(i); }
  std::size_t choose(const choice_point& p) override { return inner_.choose(p); }
  bool next_run() override { return inner_.next_run(); }
  bool needs_identities() const override { return inner_.needs_identities(); }
  bool wants_coverage() const override { return inner_.wants_coverage(); }
  bool wants(decision_kind k) const override {
    return k == decision_kind::cancel ? f_.cancel : k == decision_kind::jitter ? f_.jitter : true;
  }

 private:
  strategy& inner_;
  fault_options f_;
};

/// What the explore loop keeps of a run while it goes.
class collector {
 public:
  explicit collector(const explore_options& o) : opts_(o) {}

  /// Counts run `i`; keeps it if it is the earliest failure so far.
  void add(std::uint64_t i, recorded_run&& r, std::optional<nondeterministic_run> nondet) {
    std::lock_guard<std::mutex> lock(mu_);
    ++rep_.runs;
    hashes_.insert(trace_hash(r.result.trace));
    if (nondet) rep_.nondeterminism.push_back(std::move(*nondet));
    if (r.result.failed) {
      ++rep_.failures;
      if (!first_ || i < first_run_) {
        first_ = std::move(r);
        first_run_ = i;
      }
    }
    if (opts_.progress && rep_.runs % 256 == 0) opts_.progress(rep_.runs, rep_.failures);
  }

  void add_nondeterminism(nondeterministic_run n) { rep_.nondeterminism.push_back(std::move(n)); }
  void set_exhausted() { rep_.exhausted = true; }

  /// The report: the first failure shrunk and its race named.
  report finish(const program& prog) && {
    rep_.trace_hashes.assign(hashes_.begin(), hashes_.end());
    // By run index, whatever order the threads finished in.
    std::stable_sort(rep_.nondeterminism.begin(), rep_.nondeterminism.end(),
                     [](const auto& a, const auto& b) { return a.run < b.run; });
    if (first_) {
      failure_report f;
      f.run = first_run_;
      f.failed = *first_->result.failed;
      f.found = first_->decisions;
      f.trace = first_->result.trace;
      recorded_run small = shrink(prog, first_->decisions, f.failed, opts_.faults.tick);
      f.shrunk = std::move(small.decisions);
      f.shrunk_trace = std::move(small.result.trace);
      f.race = name_race(prog, f.shrunk, f.failed, opts_.faults.tick);
      rep_.first_failure = std::move(f);
    }
    if (opts_.progress) opts_.progress(rep_.runs, rep_.failures);
    return std::move(rep_);
  }

 private:
  const explore_options& opts_;
  std::mutex mu_;
  report rep_;
  std::set<std::uint64_t> hashes_;
  std::optional<recorded_run> first_;
  std::uint64_t first_run_ = 0;
};

std::uint64_t swarm_seed_of(const explore_options& o, std::uint64_t run) {
  std::uint64_t s = o.seed ^ (0x9e3779b97f4a7c15ULL * (run + 7));
  return splitmix64(s);
}

/// Runs failures and every 64th run a second time, replaying its schedule:
/// a program that does not repeat itself is not under the simulator's control.
std::optional<nondeterministic_run> check_repeat(const program& prog, const explore_options& o, std::uint64_t run,
                                                 const recorded_run& r) {
  if (!o.check_determinism || (!r.result.failed && run % 64 != 0)) return std::nullopt;
  std::string mismatch;
  run_result again = replay_run(prog, r.decisions, mismatch, nullptr, o.faults.tick);
  if (mismatch.empty() && again.trace == r.result.trace && again.failed == r.result.failed) return std::nullopt;
  return nondeterministic_run{run, "did not repeat itself under replay: uncontrolled nondeterminism "
                                   "(wall clock, address order, an unrecorded thread?)"};
}

/// Delay-bounded search: each schedule depends on the one before, so one
/// thread, in order.
void explore_dfs(const program& prog, const explore_options& o, collector& out) {
  delay_bounded dfs(o.max_delays);
  with_faults strat(dfs, o.faults);
  for (std::uint64_t i = 0; i < o.runs; ++i) {
    strat.start_run(i);
    recorded_run r = run_once(prog, strat, o.faults, swarm_seed_of(o, i));
    auto nondet = check_repeat(prog, o, i, r);
    out.add(i, std::move(r), std::move(nondet));
    if (!strat.next_run()) {
      if (!dfs.divergence().empty())
        out.add_nondeterminism({i, "ended the search: " + dfs.divergence()});
      else
        out.set_exhausted();
      return;
    }
  }
}

/// A finished run as the collector takes it.
using finished_run = std::pair<recorded_run, std::optional<nondeterministic_run>>;

/// Runs `prog` once under `s` without recording its decisions (run_once
/// records them): building each decision's identities is a large part of a
/// run. The report needs the decisions of its first failure only, and a
/// random or PCT run is the same run again from (seed, index).
recorded_run run_unrecorded(const program& prog, strategy& s, const fault_options& faults,
                            std::uint64_t swarm_seed) {
  sim_scheduler sched(s, faults, swarm_seed, /*record=*/false);
  recorded_run r;
  r.result = prog(sched);
  return r;
}

/// Runs `runs` (run indices) on o.jobs threads, each thread with its own
/// strategy from `make`; `done(i, run)` receives each, from any thread.
/// With `lazy`, a run is recorded only if it fails before every failing run
/// seen so far (it is run again, recording): runs whose decisions nobody
/// reads record nothing. Only for strategies whose run i depends on i alone.
template <class Make, class Done>
void run_all(const program& prog, const explore_options& o, const std::vector<std::uint64_t>& runs, Make make,
             Done done, bool lazy = false) {
  lazy = lazy && !o.check_determinism;  // the check replays every failure and a sample of the rest
  std::atomic<std::uint64_t> earliest_failure{~std::uint64_t{0}};
  std::atomic<std::size_t> next{0};
  const unsigned jobs = std::max(1u, o.jobs);
  // Runs share the process's heap, which memory limits read: a run that
  // reaches a limit or throws (bad input, a limit of the interpreter) is run
  // again alone, once every other run has ended, so that what it reports
  // does not depend on what ran beside it.
  std::shared_mutex alone;
  auto worker = [&] {
    std::unique_ptr<strategy> base = make();
    with_faults strat(*base, o.faults);
    auto run = [&](std::uint64_t i) {
      strat.start_run(i);
      if (lazy) {
        recorded_run r = run_unrecorded(prog, strat, o.faults, swarm_seed_of(o, i));
        if (!r.result.failed) return finished_run(std::move(r), std::nullopt);
        std::uint64_t seen = earliest_failure.load();
        if (i > seen) return finished_run(std::move(r), std::nullopt);  // not the first failure: its decisions are not read
        // A limit reached beside other runs may pass when run alone (below):
        // only a failure that stands moves the bar.
        if (r.result.failed->kind != failure_kind::resource_limit)
          while (i < seen && !earliest_failure.compare_exchange_weak(seen, i)) {
          }
        strat.start_run(i);
      }
      recorded_run r = run_once(prog, strat, o.faults, swarm_seed_of(o, i));
      auto nondet = check_repeat(prog, o, i, r);
      return finished_run(std::move(r), std::move(nondet));
    };
    for (std::size_t k; (k = next.fetch_add(1)) < runs.size();) {
      const std::uint64_t i = runs[k];
      if (jobs == 1) {
        done(i, run(i));
        continue;
      }
      std::optional<finished_run> r;
      {
        std::shared_lock<std::shared_mutex> beside(alone);
        try {
          r = run(i);
          if (r->first.result.failed && r->first.result.failed->kind == failure_kind::resource_limit) r.reset();
        } catch (...) {
        }
      }
      if (!r) {
        std::unique_lock<std::shared_mutex> by_itself(alone);
        r = run(i);
      }
      done(i, std::move(*r));
    }
  };
  if (jobs == 1) return worker();
  // An exception in a worker (bad input found by a run) reaches the caller as
  // it would with one job: the first one is rethrown once every thread stopped.
  std::mutex mu;
  std::exception_ptr error;
  auto guarded = [&] {
    try {
      worker();
    } catch (...) {
      next = runs.size();  // the others stop at their next run
      std::lock_guard<std::mutex> lock(mu);
      if (!error) error = std::current_exception();
    }
  };
  // The calling thread is one of the workers. A thread the system refuses
  // only means fewer workers: the report does not depend on their number.
  std::vector<std::thread> threads;
  try {
    threads.reserve(jobs - 1);
    for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(guarded);
  } catch (const std::exception&) {  // std::system_error, std::bad_alloc
  }
  guarded();
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

/// The run indices of this shard.
std::vector<std::uint64_t> shard_runs(const explore_options& o, std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> mine;
  for (std::uint64_t i = from; i < to; ++i)
    if (i % std::max<std::uint64_t>(o.shard_count, 1) == o.shard_index) mine.push_back(i);
  return mine;
}

/// Random and PCT: run i depends only on (seed, i), so threads take runs in
/// any order and the report is the same for every --jobs.
void explore_independent(const program& prog, const explore_options& o, collector& out) {
  run_all(
      prog, o, shard_runs(o, 0, o.runs), [&] { return make_strategy(o); },
      [&](std::uint64_t i, finished_run r) { out.add(i, std::move(r.first), std::move(r.second)); }, /*lazy=*/true);
}

/// Coverage: generation by generation (coverage_guided.hpp); within one,
/// runs depend only on (seed, i) and the corpus, so threads take them in
/// any order, and the corpus learns from them in run order.
void explore_coverage(const program& prog, const explore_options& o, collector& out) {
  coverage_corpus corpus;
  for (std::uint64_t from = 0; from < o.runs; from += coverage_corpus::generation) {
    const std::uint64_t to = std::min(o.runs, from + coverage_corpus::generation);
    std::vector<std::optional<finished_run>> done(to - from);
    run_all(prog, o, shard_runs(o, from, to), [&] { return std::make_unique<coverage_guided>(o.seed, corpus, o.depth, o.pct_steps); },
            [&](std::uint64_t i, finished_run r) { done[i - from] = std::move(r); });
    for (std::uint64_t i = from; i < to; ++i) {
      if (!done[i - from]) continue;  // another shard's
      corpus.add(done[i - from]->first);
      out.add(i, std::move(done[i - from]->first), std::move(done[i - from]->second));
    }
    corpus.finish_generation();
  }
}

}  // namespace

report explore(const program& prog, const explore_options& opts) {
  collector out(opts);
  if (opts.strategy == strategy_kind::dfs)
    explore_dfs(prog, opts, out);
  else if (opts.strategy == strategy_kind::coverage)
    explore_coverage(prog, opts, out);
  else
    explore_independent(prog, opts, out);
  return std::move(out).finish(prog);
}

}  // namespace weft::sim
