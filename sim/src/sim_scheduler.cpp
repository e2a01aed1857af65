#include "weft/sim/sim_scheduler.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include <weft/event_loop.hpp>
#include <weft/task.hpp>

#include "weft/sim/coverage.hpp"
#include "weft/sim/rng.hpp"

namespace weft::sim {

sim_scheduler::sim_scheduler(strategy& s, fault_options faults, std::uint64_t swarm_seed, bool record)
    : strategy_(s),
      faults_(faults),
      swarm_seed_(swarm_seed),
      record_(record),
      first_only_(s.always_first() && !record && !s.needs_identities()) {
  control_threads(true);
}

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
  if (log_) {
    // Cancels and jitters are taken inside a step; ready and timer decisions between steps.
    observed_decision o;
    if ((kind == decision_kind::cancel || kind == decision_kind::jitter) && !log_->steps.empty())
      o.step = log_->steps.size() - 1;
    log_->decisions.push_back(o);
  }
  recorded_.decisions.push_back(std::move(d));
}

void sim_scheduler::record_steps() {
  if (!log_) log_ = std::make_unique<step_log>();
  observe_runs(true);
}

void sim_scheduler::note_line(const std::string& text) {
  if (!log_) return;
  observed_line l{text, std::nullopt};
  if (running_loop_or_null() && !log_->steps.empty()) l.step = log_->steps.size() - 1;
  log_->lines.push_back(std::move(l));
}

void sim_scheduler::on_run(const ready_entry& e) {
  if (!log_) return;
  observed_step s;
  if (const void* t = e.task()) {
    s.task = e.task_name();
    s.task_steps = e.task_steps();
    s.site = std::string(e.task_site());
    // A task's step count only goes up (its name may change: set_name), so a
    // count that did not is a new task at a reused address.
    auto [it, fresh] = tasks_.try_emplace(t, task_seen{s.task_steps, 0});
    if (fresh || s.task_steps <= it->second.steps) it->second.number = ++task_count_;
    it->second.steps = s.task_steps;
    s.task_number = it->second.number;
  } else {
    s.reported_task = e.reported_task_name();
  }
  s.sequence = e.sequence();
  if (event_loop* l = running_loop_or_null()) {
    s.at = l->time().time_since_epoch();
    s.first_scheduled = l->next_sequence();
  }
  log_->steps.push_back(std::move(s));
}

void sim_scheduler::record_coverage(bool pairs) {
  coverage_ = true;
  coverage_pairs_ = pairs;
  observe_accesses(true);
  detail::restart_shared_ids();
}

namespace {

/// A pair of hashes as one feature (ordered: (a, b) is not (b, a)).
std::uint64_t pair_hash(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t s = a * 0x9e3779b97f4a7c15ULL + b;
  return splitmix64(s);
}

/// The running step, for reads-from pairs as text: "a#1 at /coros/worker/2".
std::string running_step() {
  event_loop* l = running_loop_or_null();
  if (!l) return "(outside the loop)";
  const any_task t = current_task(*l);
  if (!t) return "(a callback)";
  std::string who = t.get_name() + '#' + std::to_string(t.steps() ? t.steps() - 1 : 0);
  const std::string site = t.site();
  return site.empty() ? who : who + " at " + site;
}

/// A ready callback as an ordering pair's element: its task and site.
std::uint64_t ordering_key(const ready_entry& e) {
  return stable_hash(e.task_site(), stable_hash(e.task() ? e.task_name() : e.reported_task_name()));
}

}  // namespace

void sim_scheduler::on_access(std::uint64_t object, std::uint64_t site, bool write) {
  if (!coverage_) return;
  // A value's provenance: the site of the write that started its chain of
  // reads-from hops (a write by a task that had read nothing), and the number
  // of writes along it; a task's writes extend the chain of the last write it
  // read. A pair is a feature with its write's provenance, so that a value
  // relayed one task further than before (a draft copied down a pipeline in
  // order, not just each copy made) is something new.
  // Tasks by name, not address: an address may be reused, differently on
  // another thread.
  event_loop* l = running_loop_or_null();
  const weft::detail::task_base* t = l ? weft::detail::loop_access::current_task(*l) : nullptr;
  task_name_room room;
  const std::uint64_t task = t ? stable_hash(t->name(room)) : 0;
  if (t) {  // the step's identity, NAME#K, hashed as one string
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, t->steps() ? t->steps() - 1 : 0).ptr;
    accesses_.push_back({object, stable_hash({digits, end}, stable_hash("#", task)), write});
  }
  if (write) {
    last_write& w = writes_[object];
    w.site = site;
    const auto r = read_from_.find(task);
    if (r == read_from_.end() || r->second.hops == 0)
      w.from = {site, 1};
    else
      w.from = {r->second.origin, std::min<std::uint32_t>(r->second.hops + 1, 8)};
    if (coverage_pairs_) w.who = running_step();
    return;
  }
  const auto it = writes_.find(object);
  const provenance from = it == writes_.end() ? provenance{} : it->second.from;
  read_from_[task] = from;
  const std::uint64_t sites = pair_hash(it == writes_.end() ? 0 : it->second.site, site);
  reads_from_features_.push_back({pair_hash(sites, pair_hash(from.origin, from.hops)),
                                  static_cast<std::uint32_t>(recorded_.decisions.size()), pair_hash(sites, from.origin),
                                  from.hops});
  if (coverage_pairs_) pairs_.push_back({it == writes_.end() ? "(initial)" : it->second.who, running_step()});
}

std::vector<sim_scheduler::feature> sim_scheduler::features() const {
  // A pair with how often it occurred, in AFL's buckets (1, 2, 3, 4-7, 8-15,
  // 16-31, 32-127, 128+): a run that repeats a pair more often than any run
  // before (a third strike, one more hand-off) shows something new.
  std::vector<feature> pairs = reads_from_features_.empty() ? ordering_features_ : reads_from_features_;
  std::stable_sort(pairs.begin(), pairs.end(), [](const feature& a, const feature& b) { return a.hash < b.hash; });
  std::vector<feature> f;
  for (std::size_t i = 0, j; i < pairs.size(); i = j) {
    for (j = i; j < pairs.size() && pairs[j].hash == pairs[i].hash;) ++j;
    const std::size_t n = j - i;
    const std::uint64_t bucket = n < 4 ? n : n < 8 ? 4 : n < 16 ? 5 : n < 32 ? 6 : n < 128 ? 7 : 8;
    f.push_back({pair_hash(pairs[i].hash, bucket), pairs[j - 1].at, pairs[i].path,
                 pairs[i].level * 16 + static_cast<std::uint32_t>(bucket)});
  }
  std::sort(f.begin(), f.end(), [](const feature& a, const feature& b) { return a.hash < b.hash; });
  return f;
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

std::string ready_candidates::identity(std::size_t i) const {
  if (!named_.empty()) return named_[i];
  const ready_entry& e = ready_[i];
  if (e.task()) return task_identity(e);
  const std::string base = taskless_base(e);
  std::size_t rank = 0;
  if (batch_) {
    rank = batch_->taskless_rank(i);
  } else {
    for (std::size_t j = 0; j < i; ++j)
      if (!ready_[j].task() && taskless_base(ready_[j]) == base) ++rank;
  }
  return base + '#' + std::to_string(rank);
}

std::size_t ready_candidates::find(const std::string& id) const {
  if (!named_.empty()) return static_cast<std::size_t>(std::find(named_.begin(), named_.end(), id) - named_.begin());
  if (batch_)
    if (std::optional<std::size_t> i = batch_->find(id)) return *i;
  const auto hash = id.rfind('#');
  if (hash == std::string::npos) return size();
  const std::string_view base = std::string_view(id).substr(0, hash);
  if (base.empty() || base[0] != '~') {
    for (std::size_t i = 0; i < size(); ++i)
      if (ready_[i].task() && has_task_identity(ready_[i], id)) return i;
    return size();
  }
  const std::string number = id.substr(hash + 1);
  // A callback with no task: the R-th of its base.
  std::size_t rank = 0;
  for (std::size_t i = 0; i < size(); ++i)
    if (!ready_[i].task() && taskless_base(ready_[i]) == base && std::to_string(rank++) == number) return i;
  return size();
}

std::string_view ready_candidates::task_name(std::size_t i, task_name_room& room) const {
  if (!named_.empty()) {
    const std::string_view id = named_[i];
    return id[0] == '~' ? std::string_view() : id.substr(0, id.rfind('#'));
  }
  return ready_[i].task_name(room);
}

std::size_t sim_scheduler::pick(std::span<const ready_entry> ready) {
  if (first_only_) return 0;
  batch_.observe(ready);
  const ready_candidates candidates(ready, &batch_);
  std::size_t c = strategy_.choose({decision_kind::ready, ready.size(), {}, &candidates});
  if (c >= ready.size()) c = 0;
  // Ordering pairs are the fallback of a run that notes no access: once one read is noted, not needed.
  if (coverage_ && reads_from_features_.empty()) {
    const std::uint64_t pair = pair_hash(ordering_key(ready[c]), ordering_key(ready[c ? 0 : 1]));
    ordering_features_.push_back({pair, static_cast<std::uint32_t>(recorded_.decisions.size()), pair, 0});
  }
  if (record_) record_pick(candidates, ready, c);
  batch_.chose(c);
  return c;
}

void sim_scheduler::record_pick(const ready_candidates& candidates, std::span<const ready_entry> ready,
                                std::size_t c) {
  // Identities are built for the record only: the first candidate's (its
  // ordinal) and the chosen one's.
  std::string head = candidates.identity(0);
  const std::uint64_t ordinal = heads_[head]++;
  if (c || strategy_.needs_identities()) {
    std::string chosen = c ? candidates.identity(c) : head;
    record(decision_kind::ready, ready.size(), c, ordinal, std::move(chosen), std::move(head),
           std::string(ready[c].task_site()), std::string(ready[0].task_site()));
  } else {
    record(decision_kind::ready, ready.size(), c, ordinal, {}, {}, {}, {});
  }
  if (log_) {
    log_->decisions.back().sequence = ready[c].sequence();
    log_->decisions.back().displaced = ready[0].sequence();
  }
}

void sim_scheduler::order_due(std::span<due_timer> due) {
  // Timers due at the same instant: choose which goes first, then among the
  // rest (in scheduling order), until one is left.
  std::vector<due_timer> placed;
  for (std::size_t i = 0; i < due.size();) {
    std::size_t j = i + 1;
    while (j < due.size() && due[j].when == due[i].when) ++j;
    if (j - i > 1) {
      timers_left_.fill(j - i);
      placed.clear();
      for (std::size_t k = i; k + 1 < j; ++k) {
        const std::size_t c = decide(decision_kind::timer, j - k);
        const std::size_t at = timers_left_.select(c);
        if (log_ && record_) {
          log_->decisions.back().sequence = due[i + at].sequence;
          log_->decisions.back().displaced = due[i + timers_left_.select(0)].sequence;
        }
        placed.push_back(due[i + at]);
        timers_left_.remove(at);
      }
      placed.push_back(due[i + timers_left_.select(0)]);
      std::copy(placed.begin(), placed.end(), due.begin() + static_cast<std::ptrdiff_t>(i));
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
  if (log_ && !log_->steps.empty()) {
    log_->steps.back().name_after = task.get_name();
    log_->steps.back().site_after = std::string(task.site());
  }
  if (!faults_.cancel || !strategy_.wants(decision_kind::cancel)) return;
  std::string name = task.get_name();
  if (!fault_site_enabled(name)) return;
  std::string id = name + "#" + std::to_string(task.steps());
  std::string site(task.site());
  if (decide(decision_kind::cancel, 2, std::span<const std::string>(&id, 1), std::span<const std::string>(&site, 1)))
    task.cancel();
}

std::size_t sim_scheduler::pick_thread(std::span<const std::uint64_t> jobs, bool may_defer) {
  // Options: each job (oldest first), then "none yet" if the loop may go on without one.
  const std::size_t options = jobs.size() + (may_defer ? 1 : 0);
  if (options < 2) return 0;
  std::vector<std::string> ids;
  if (record_) {
    for (std::uint64_t j : jobs) ids.push_back("thread#" + std::to_string(j));
    if (may_defer) ids.emplace_back("none");
  }
  return decide(decision_kind::thread, options, ids);
}

time_point sim_scheduler::timer_deadline(time_point when) {
  // The loop numbers the timer right after asking: its sequence is next_sequence().
  event_loop* l = log_ ? running_loop_or_null() : nullptr;
  if (l) log_->timers.push_back({l->next_sequence(), when.time_since_epoch()});
  if (!faults_.jitter || faults_.jitter_ticks == 0 || !strategy_.wants(decision_kind::jitter)) return when;
  const std::size_t late = decide(decision_kind::jitter, std::size_t{faults_.jitter_ticks} + 1);
  if (l && record_) log_->decisions.back().sequence = l->next_sequence();
  return when + faults_.tick * late;
}

}  // namespace weft::sim
