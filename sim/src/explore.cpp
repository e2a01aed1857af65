#include "weft/sim/explore.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <weft/task.hpp>

namespace weft::sim {

// ---- the scheduler ----

sim_scheduler::sim_scheduler(strategy& s, fault_options faults, std::uint64_t swarm_seed, bool record)
    : strategy_(s),
      faults_(faults),
      swarm_seed_(swarm_seed),
      record_(record),
      first_only_(s.always_first() && !record && !s.needs_identities()) {}

void sim_scheduler::record(decision_kind kind, std::size_t options, std::size_t c, std::uint64_t ordinal,
                           std::string chosen, std::string displaced, std::string chosen_site,
                           std::string displaced_site) {
  decision d{kind,
             static_cast<std::uint32_t>(options),
             static_cast<std::uint32_t>(c),
             ordinal,
             std::move(chosen),
             std::move(displaced),
             std::move(chosen_site),
             std::move(displaced_site),
             {}};
  if (event_loop* l = running_loop_or_null()) d.at = l->time().time_since_epoch();
  recorded_.decisions.push_back(std::move(d));
}

std::size_t sim_scheduler::decide(decision_kind kind, std::size_t options, std::span<const std::string> ids,
                                  std::span<const std::string> sites) {
  std::size_t c = strategy_.choose({kind, options, ids});
  if (c >= options) c = 0;
  std::uint64_t ordinal = ordinals_[static_cast<int>(kind)]++;
  if (kind == decision_kind::ready && !ids.empty()) ordinal = heads_[ids[0]]++;
  if (record_)
    record(kind, options, c, ordinal, ids.empty() ? std::string() : ids[std::min(c, ids.size() - 1)],
           ids.empty() ? std::string() : ids[0], sites.empty() ? std::string() : sites[std::min(c, sites.size() - 1)],
           sites.empty() ? std::string() : sites[0]);
  return c;
}

namespace {
/// A task's k-th step is "NAME#k" whatever else the program does.
std::string identity(const ready_entry& e) {
  std::string id = e.task() ? e.task_name() : std::string("~callback");
  id += '#';
  id += std::to_string(e.task() ? e.task_steps() : e.sequence());
  return id;
}
}  // namespace

std::size_t sim_scheduler::pick(std::span<const ready_entry> ready) {
  if (strategy_.needs_identities()) {
    ids_.clear();
    sites_.clear();
    for (const ready_entry& e : ready) {
      ids_.push_back(identity(e));
      sites_.emplace_back(e.task_site());
    }
    return decide(decision_kind::ready, ready.size(), ids_, sites_);
  }
  if (first_only_) return 0;
  // The common case: identities only for the record of a deviation.
  std::size_t c = strategy_.choose({decision_kind::ready, ready.size(), {}});
  if (c >= ready.size()) c = 0;
  if (!record_) return c;
  const std::uint64_t ordinal = heads_[identity(ready[0])]++;
  if (c)
    record(decision_kind::ready, ready.size(), c, ordinal, identity(ready[c]), identity(ready[0]),
           std::string(ready[c].task_site()), std::string(ready[0].task_site()));
  else
    record(decision_kind::ready, ready.size(), c, ordinal, {}, {}, {}, {});
  return c;
}

void sim_scheduler::order_due(std::span<due_timer> due) {
  // Timers due at the same instant: choose which goes first, then among the rest.
  for (std::size_t i = 0; i < due.size();) {
    std::size_t j = i + 1;
    while (j < due.size() && due[j].when == due[i].when) ++j;
    for (std::size_t k = i; k + 1 < j; ++k) {
      std::size_t c = decide(decision_kind::timer, j - k);
      std::rotate(due.begin() + static_cast<std::ptrdiff_t>(k), due.begin() + static_cast<std::ptrdiff_t>(k + c),
                  due.begin() + static_cast<std::ptrdiff_t>(k + c + 1));
    }
    i = j;
  }
}

bool sim_scheduler::fault_site_enabled(const std::string& task) const {
  if (!faults_.swarm) return true;
  // FoundationDB's swarm testing: this run enables a seed-chosen half of the sites.
  std::uint64_t h = swarm_seed_;
  for (unsigned char c : task) h = (h ^ c) * 0x100000001b3ULL;
  return splitmix64(h) & 1;
}

void sim_scheduler::on_suspend(any_task& task) {
  if (!faults_.cancel || !strategy_.wants(decision_kind::cancel)) return;
  std::string name = task.get_name();
  if (!fault_site_enabled(name)) return;
  std::string id = name + "#" + std::to_string(task.steps());
  std::string site(task.site());
  if (decide(decision_kind::cancel, 2, std::span<const std::string>(&id, 1), std::span<const std::string>(&site, 1)))
    task.cancel();
}

time_point sim_scheduler::timer_deadline(time_point when) {
  if (!faults_.jitter || faults_.jitter_ticks == 0 || !strategy_.wants(decision_kind::jitter)) return when;
  return when + faults_.tick * decide(decision_kind::jitter, std::size_t{faults_.jitter_ticks} + 1);
}

// ---- runs ----

std::uint64_t trace_hash(const std::vector<std::string>& trace) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& line : trace) {
    for (unsigned char c : line) h = (h ^ c) * 0x100000001b3ULL;
    h = (h ^ '\n') * 0x100000001b3ULL;
  }
  return h;
}

namespace {

/// Replays decisions by their position (for shrinking, where identities of a
/// changed schedule do not exist yet): the i-th decision takes the i-th choice.
class index_replay final : public strategy {
 public:
  explicit index_replay(const schedule& s) : s_(s) {}
  std::size_t choose(const choice_point& p) override {
    if (pos_ >= s_.decisions.size()) return 0;
    const decision& d = s_.decisions[pos_++];
    return d.kind == p.kind && d.choice < p.options ? d.choice : 0;
  }
  bool wants(decision_kind) const override { return true; }

 private:
  const schedule& s_;
  std::size_t pos_ = 0;
};

struct recorded_run {
  outcome out;
  schedule s;
};

recorded_run run_recorded(const program& prog, strategy& strat, const fault_options& faults, std::uint64_t swarm_seed) {
  sim_scheduler sched(strat, faults, swarm_seed);
  recorded_run r;
  r.out = prog(sched);
  r.s = sched.recorded();
  return r;
}

/// Faults on for replays: a token's cancel and jitter decisions must find
/// their decision points even if the replaying command did not ask for faults.
fault_options replay_faults(const schedule& s, weft::duration tick) {
  fault_options f;
  f.tick = tick;
  for (const auto& d : s.decisions) {
    if (d.kind == decision_kind::cancel) f.cancel = true;
    if (d.kind == decision_kind::jitter) {
      f.jitter = true;
      f.jitter_ticks = std::max(f.jitter_ticks, d.options - 1);
    }
  }
  return f;
}

std::unique_ptr<strategy> make_strategy(const explore_options& o) {
  switch (o.strategy) {
    case strategy_kind::pct: return std::make_unique<pct>(o.seed, o.depth, o.pct_steps);
    case strategy_kind::dfs: return std::make_unique<delay_bounded>(o.max_delays);
    case strategy_kind::random: break;
  }
  return std::make_unique<random_walk>(o.seed);
}

/// The faults strategies explore: random and pct take them as asked.
class with_faults final : public strategy {
 public:
  with_faults(strategy& inner, const fault_options& f) : inner_(inner), f_(f) {}
  void start_run(std::uint64_t i) override { inner_.start_run(i); }
  std::size_t choose(const choice_point& p) override { return inner_.choose(p); }
  bool next_run() override { return inner_.next_run(); }
  bool needs_identities() const override { return inner_.needs_identities(); }
  bool wants(decision_kind k) const override {
    return k == decision_kind::cancel ? f_.cancel : k == decision_kind::jitter ? f_.jitter : true;
  }

 private:
  strategy& inner_;
  fault_options f_;
};

}  // namespace

outcome replay_run(const program& prog, const schedule& s, std::string& mismatch, schedule* recorded,
                   weft::duration tick) {
  replay strat(s);
  recorded_run r = run_recorded(prog, strat, replay_faults(s, tick), 0);
  mismatch = strat.mismatch();
  if (recorded) *recorded = std::move(r.s);
  return r.out;
}

// ---- shrinking ----

namespace {
bool same_failure(const std::string& a, const std::string& b) {
  return a == b || (a.rfind("deadlock:", 0) == 0 && b.rfind("deadlock:", 0) == 0);
}
}  // namespace

std::pair<schedule, outcome> shrink(const program& prog, const schedule& failing, const std::string& failure,
                                    weft::duration tick) {
  schedule best = failing;
  outcome best_out;
  {
    index_replay strat(best);
    recorded_run r = run_recorded(prog, strat, replay_faults(best, tick), 0);
    best_out = r.out;
  }
  // A candidate is kept if it fails the same way; its recorded schedule
  // (with fresh identities) replaces the current one.
  auto attempt = [&](const schedule& candidate) {
    index_replay strat(candidate);
    recorded_run r = run_recorded(prog, strat, replay_faults(candidate, tick), 0);
    if (!same_failure(r.out.failure, failure)) return false;
    // Keep only what mattered: decisions past the candidate's are FIFO.
    best = std::move(r.s);
    best_out = std::move(r.out);
    return true;
  };
  auto deviation_positions = [&] {
    std::vector<std::size_t> pos;
    for (std::size_t i = 0; i < best.decisions.size(); ++i)
      if (best.decisions[i].choice) pos.push_back(i);
    return pos;
  };
  for (bool changed = true; changed;) {
    changed = false;
    // 1. Shorter: the fewest leading deviations that still fail (binary search).
    std::vector<std::size_t> pos = deviation_positions();
    std::size_t lo = 0, hi = pos.size();
    while (lo < hi) {
      std::size_t mid = (lo + hi) / 2;
      schedule c = best;
      for (std::size_t k = mid; k < pos.size(); ++k) c.decisions[pos[k]].choice = 0;
      if (attempt(c)) {
        changed = true;
        pos = deviation_positions();
        hi = std::min(mid, pos.size());
        lo = std::min(lo, hi);
      } else {
        lo = mid + 1;
      }
    }
    // 2. Fewer: each remaining deviation back to FIFO, last first.
    pos = deviation_positions();
    for (std::size_t k = pos.size(); k-- > 0;) {
      if (pos[k] >= best.decisions.size() || !best.decisions[pos[k]].choice) continue;
      schedule c = best;
      c.decisions[pos[k]].choice = 0;
      if (attempt(c)) changed = true;
    }
    // 3. Smaller: each remaining choice one step closer to FIFO.
    pos = deviation_positions();
    for (std::size_t p : pos) {
      if (p >= best.decisions.size() || best.decisions[p].choice < 2) continue;
      schedule c = best;
      --c.decisions[p].choice;
      if (attempt(c)) changed = true;
    }
  }
  // Trailing FIFO decisions say nothing: drop them.
  while (!best.decisions.empty() && best.decisions.back().choice == 0) best.decisions.pop_back();
  return {best, best_out};
}

std::vector<std::string> name_race(const program& prog, const schedule& s, const std::string& failure,
                                   weft::duration tick) {
  std::vector<std::string> race;
  for (std::size_t i = 0; i < s.decisions.size(); ++i) {
    const decision& d = s.decisions[i];
    if (!d.choice) continue;
    schedule c = s;
    c.decisions[i].choice = 0;
    index_replay strat(c);
    recorded_run r = run_recorded(prog, strat, replay_faults(c, tick), 0);
    if (same_failure(r.out.failure, failure)) continue;  // not needed for this failure
    auto where = [](const std::string& id, const std::string& site) {
      if (!site.empty()) return " (at " + site + ")";
      return id.size() > 2 && id.compare(id.size() - 2, 2, "#0") == 0 ? std::string(" (at its start)") : std::string();
    };
    switch (d.kind) {
      case decision_kind::ready:
        race.push_back(d.chosen + where(d.chosen, d.chosen_site) + " ran before " + d.displaced +
                       where(d.displaced, d.displaced_site) +
                       (d.ordinal ? " [time " + std::to_string(d.ordinal + 1) + " that " + d.displaced + " was next]" : ""));
        break;
      case decision_kind::timer:
        race.push_back("timer " + std::to_string(d.ordinal) + ": a later-scheduled timer due at the same instant fired first");
        break;
      case decision_kind::cancel:
        race.push_back("an injected cancel of " + d.chosen + where(d.chosen, d.chosen_site));
        break;
      case decision_kind::jitter:
        race.push_back("timer " + std::to_string(d.ordinal) + " fired " + std::to_string(d.choice) + " tick(s) late");
        break;
    }
  }
  return race;
}

// ---- exploring ----

report explore(const program& prog, const explore_options& opts) {
  report rep;
  std::set<std::uint64_t> hashes;
  struct found {
    std::uint64_t run;
    outcome out;
    schedule s;
    std::uint64_t swarm_seed;
  };
  std::optional<found> first;
  auto swarm_seed_of = [&](std::uint64_t run) {
    std::uint64_t s = opts.seed ^ (0x9e3779b97f4a7c15ULL * (run + 7));
    return splitmix64(s);
  };
  auto check_repeat = [&](std::uint64_t run, const schedule& s, const outcome& out) {
    std::string mismatch;
    outcome again = replay_run(prog, s, mismatch, nullptr, opts.faults.tick);
    if (!mismatch.empty() || again.trace != out.trace || again.failure != out.failure)
      return "run " + std::to_string(run) + " did not repeat itself under replay: uncontrolled nondeterminism " +
             "(wall clock, address order, an unrecorded thread?)";
    return std::string();
  };

  if (opts.strategy == strategy_kind::dfs) {
    // Each schedule depends on the one before: one thread, in order.
    delay_bounded dfs(opts.max_delays);
    with_faults strat(dfs, opts.faults);
    for (std::uint64_t i = 0; i < opts.runs; ++i) {
      strat.start_run(i);
      recorded_run r = run_recorded(prog, strat, opts.faults, swarm_seed_of(i));
      ++rep.runs;
      hashes.insert(trace_hash(r.out.trace));
      if (!r.out.failure.empty()) {
        ++rep.failures;
        if (!first) first = found{i, r.out, r.s, swarm_seed_of(i)};
      }
      if (opts.check_determinism && (!r.out.failure.empty() || i % 64 == 0))
        if (auto msg = check_repeat(i, r.s, r.out); !msg.empty()) rep.nondeterminism.push_back(msg);
      if (opts.progress && i % 256 == 0) opts.progress(rep.runs, rep.failures);
      if (!strat.next_run()) {
        rep.exhausted = true;
        break;
      }
    }
  } else {
    // Run i depends only on (seed, i): threads take runs in any order and the
    // report is the same for every --jobs.
    std::vector<std::uint64_t> mine;
    for (std::uint64_t i = 0; i < opts.runs; ++i)
      if (i % std::max<std::uint64_t>(opts.shard_count, 1) == opts.shard_index) mine.push_back(i);
    std::mutex mu;
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      std::unique_ptr<strategy> base = make_strategy(opts);
      with_faults strat(*base, opts.faults);
      for (std::size_t k; (k = next.fetch_add(1)) < mine.size();) {
        std::uint64_t i = mine[k];
        strat.start_run(i);
        recorded_run r = run_recorded(prog, strat, opts.faults, swarm_seed_of(i));
        std::string nondet;
        if (opts.check_determinism && (!r.out.failure.empty() || i % 64 == 0)) nondet = check_repeat(i, r.s, r.out);
        std::lock_guard<std::mutex> lock(mu);
        ++rep.runs;
        hashes.insert(trace_hash(r.out.trace));
        if (!nondet.empty()) rep.nondeterminism.push_back(nondet);
        if (!r.out.failure.empty()) {
          ++rep.failures;
          if (!first || i < first->run) first = found{i, r.out, r.s, swarm_seed_of(i)};
        }
        if (opts.progress && rep.runs % 256 == 0) opts.progress(rep.runs, rep.failures);
      }
    };
    unsigned jobs = std::max(1u, opts.jobs);
    if (jobs == 1) {
      worker();
    } else {
      std::vector<std::thread> threads;
      for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
      for (auto& t : threads) t.join();
    }
    // Sorted by run index, whatever order the threads finished in.
    std::sort(rep.nondeterminism.begin(), rep.nondeterminism.end(), [](const auto& a, const auto& b) {
      return std::stoull(a.substr(4)) < std::stoull(b.substr(4));
    });
  }
  rep.trace_hashes.assign(hashes.begin(), hashes.end());
  if (first) {
    failure_report f;
    f.run = first->run;
    f.failure = first->out.failure;
    f.found = first->s;
    f.trace = first->out.trace;
    auto [small, small_out] = shrink(prog, first->s, f.failure, opts.faults.tick);
    f.shrunk = std::move(small);
    f.shrunk_trace = std::move(small_out.trace);
    f.race = name_race(prog, f.shrunk, f.failure, opts.faults.tick);
    rep.first_failure = std::move(f);
  }
  if (opts.progress) opts.progress(rep.runs, rep.failures);
  return rep;
}

}  // namespace weft::sim
