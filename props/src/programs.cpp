#include "weft/props/programs.hpp"

#include <algorithm>

#include <weft/sim/test.hpp>
#include <weft/sleep.hpp>

namespace weft::props {

namespace {

/// A sized generator drawn at `size` whatever size it is asked at.
template <class T>
rc::Gen<T> at_size(int size, rc::Gen<T> g) {
  return rc::gen::resize(size, std::move(g));
}

rc::Gen<child_spec> gen_child(const program_options& o, std::uint32_t index, int case_size) {
  const bool can_await = o.awaits && index > 0;
  auto ticks = rc::gen::inRange<std::uint32_t>(0, o.max_ticks + 1);
  auto target = rc::gen::inRange<std::uint32_t>(0, std::max<std::uint32_t>(index, 1));
  // A step's numbers are drawn at the case's size: the steps' container is
  // resized to max_steps below, a size at which rapidcheck draws only zeros.
  ticks = at_size(case_size, ticks);
  target = at_size(case_size, target);
  auto step = rc::gen::build<child_step>(
      rc::gen::set(&child_step::k, can_await ? rc::gen::weightedElement<child_step::kind>(
                                                   {{4, child_step::kind::sleep}, {1, child_step::kind::await}})
                                             : rc::gen::just(child_step::kind::sleep)),
      rc::gen::set(&child_step::ticks, ticks),
      rc::gen::set(&child_step::target, target));
  // Weights: mostly children that return; shrinking goes toward them.
  auto ending = rc::gen::weightedElement<child_ending>({{6, child_ending::value},
                                                        {o.raises ? 2u : 0u, child_ending::raise},
                                                        {o.hangs ? 1u : 0u, child_ending::hang}});
  return rc::gen::build<child_spec>(
      rc::gen::set(&child_spec::ending, ending),
      rc::gen::set(&child_spec::steps,
                   rc::gen::resize(static_cast<int>(o.max_steps), rc::gen::container<std::vector<child_step>>(step))),
      rc::gen::set(&child_spec::value, rc::gen::inRange(0, 100)));
}

}  // namespace

rc::Gen<task_program> gen_program(const program_options& o) {
  const std::uint32_t max_children = std::max<std::uint32_t>(o.max_children, 1);
  auto of_size = [o, max_children](int size) {
    return rc::gen::mapcat(rc::gen::inRange<std::uint32_t>(1, max_children + 1), [o, size](std::uint32_t n) {
      std::vector<rc::Gen<child_spec>> kids;
      for (std::uint32_t i = 0; i < n; ++i) kids.push_back(gen_child(o, i, size));
      auto children = rc::gen::exec([kids] {
        std::vector<child_spec> out;
        for (const auto& g : kids) out.push_back(*g);
        return out;
      });
      auto child = rc::gen::inRange<std::uint32_t>(0, n);
      auto at = rc::gen::inRange<std::uint32_t>(0, 3 * o.max_ticks + 3);
      child = at_size(size, child);  // as in gen_child: the container below is resized
      at = at_size(size, at);
      auto cancel = rc::gen::build<cancel_spec>(rc::gen::set(&cancel_spec::child, child), rc::gen::set(&cancel_spec::at, at));
      auto cancels = o.max_cancels == 0 ? rc::gen::just(std::vector<cancel_spec>{})
                                        : rc::gen::resize(static_cast<int>(o.max_cancels),
                                                          rc::gen::container<std::vector<cancel_spec>>(cancel));
      auto prog = rc::gen::build<task_program>(rc::gen::set(&task_program::children, children),
                                               rc::gen::set(&task_program::cancels, cancels));
      // A child that hangs is cancelled in the end (unless asked not to), so
      // that a program ends: at the latest tick a generated cancellation can have.
      const std::uint32_t last = 3 * o.max_ticks + 2;
      if (!o.cancel_hangs) return prog;
      return rc::gen::map(prog, [last](task_program p) {
        for (std::uint32_t i = 0; i < p.children.size(); ++i)
          if (p.children[i].ending == child_ending::hang) p.cancels.push_back({i, last});
        return p;
      });
    });
  };
  return rc::gen::withSize(of_size);
}

void showValue(const task_program& p, std::ostream& os) {
  for (std::size_t i = 0; i < p.children.size(); ++i) {
    const child_spec& c = p.children[i];
    os << "\n  child " << i << ":";
    for (const auto& s : c.steps) {
      if (s.k == child_step::kind::sleep)
        os << " sleep " << s.ticks << ";";
      else
        os << " await child " << s.target << ";";
    }
    switch (c.ending) {
      case child_ending::value: os << " return " << c.value; break;
      case child_ending::raise: os << " raise"; break;
      case child_ending::hang: os << " hang"; break;
    }
  }
  for (const auto& c : p.cancels) os << "\n  cancel child " << c.child << " at tick " << c.at;
}

void showValue(child_outcome::kind k, std::ostream& os) {
  switch (k) {
    case child_outcome::kind::pending: os << "pending"; break;
    case child_outcome::kind::value: os << "value"; break;
    case child_outcome::kind::raised: os << "raised"; break;
    case child_outcome::kind::cancelled: os << "cancelled"; break;
  }
}

struct program_state {
  explicit program_state(const task_program& prog) : p(prog), outcomes(prog.children.size()) {}
  task_program p;
  std::vector<child_outcome> outcomes;
  std::size_t done = 0;

  void record(std::size_t i, std::exception_ptr e, int value = 0) {
    child_outcome& o = outcomes[i];
    if (o.k != child_outcome::kind::pending) return;
    o.ended = weft::get_running_loop().time();
    o.iteration = weft::get_running_loop().iterations();
    o.order = ++done;
    std::string line = std::to_string(o.ended.time_since_epoch() / program_run::tick) + " child" + std::to_string(i) + " ";
    if (!e) {
      o.k = child_outcome::kind::value;
      o.value = value;
      line += "returned " + std::to_string(value);
    } else if (weft::is_cancelled_error(e)) {
      o.k = child_outcome::kind::cancelled;
      line += "was cancelled";
    } else {
      o.k = child_outcome::kind::raised;
      try {
        std::rethrow_exception(e);
      } catch (const child_error& err) {
        o.raised_by = err.child();
      } catch (...) {
      }
      line += "raised " + (o.raised_by ? "child_error(" + std::to_string(*o.raised_by) + ")" : std::string("?"));
    }
    weft::sim::trace(std::move(line));  // what a run's trace shows of the program
  }
};

namespace {

// A task's frame lives as long as the task: the state holds no task, and a
// child holds only the tasks of the earlier children it may await (`earlier`),
// so that no cycle of references keeps a finished program alive.
weft::coro<int> run_child(std::shared_ptr<program_state> s, std::size_t i, std::vector<weft::task<int>> earlier) {
  // The outcome is recorded where the task ends, in its last step: that is
  // "in time" whatever order the done callbacks then run in.
  const child_spec& c = s->p.children[i];
  try {
    for (const child_step& step : c.steps) {
      if (step.k == child_step::kind::sleep)
        co_await weft::sleep(step.ticks * program_run::tick);
      else
        co_await earlier[std::min<std::size_t>(step.target, i - 1)];  // earlier children only: no await cycle
    }
    if (c.ending == child_ending::raise) throw child_error(i);
    if (c.ending == child_ending::hang) {
      weft::event never;  // the child's own: one in the shared state would tie it to the state in a cycle
      co_await never.wait();
    }
  } catch (...) {
    s->record(i, std::current_exception());
    throw;
  }
  s->record(i, nullptr, c.value);
  co_return c.value;
}

weft::coro<void> run_canceller(std::shared_ptr<program_state> s, std::vector<weft::task<int>> tasks) {
  std::vector<cancel_spec> by_time = s->p.cancels;
  std::stable_sort(by_time.begin(), by_time.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  std::uint32_t now = 0;
  for (const cancel_spec& c : by_time) {
    co_await weft::sleep((c.at - now) * program_run::tick);
    now = c.at;
    tasks[c.child].cancel();
  }
}

}  // namespace

weft::coro<void> yield_times(int n) {
  for (int i = 0; i < n; ++i) co_await weft::sleep(weft::duration::zero());
}

program_run::program_run(const task_program& p) : s_(std::make_shared<program_state>(p)) {}

const std::vector<weft::task<int>>& program_run::tasks() const noexcept { return tasks_; }
const std::vector<child_outcome>& program_run::outcomes() const noexcept { return s_->outcomes; }
const task_program& program_run::program() const noexcept { return s_->p; }

std::vector<weft::task<int>> program_run::spawn() {
  return spawn_with([](weft::coro<int> c, std::string name) { return weft::create_task(std::move(c), {.name = std::move(name)}); });
}

std::vector<weft::task<int>> program_run::spawn(weft::task_group& group) {
  return spawn_with([&group](weft::coro<int> c, std::string name) { return group.create_task(std::move(c), std::move(name)); });
}

std::vector<weft::task<int>> program_run::spawn_with(const std::function<weft::task<int>(weft::coro<int>, std::string)>& create) {
  for (std::size_t i = 0; i < s_->p.children.size(); ++i) {
    weft::task<int> t = create(run_child(s_, i, tasks_), "child" + std::to_string(i));
    // A task cancelled before its first step never runs its body: its done
    // callback records it.
    t.add_done_callback([s = std::weak_ptr<program_state>(s_), i](const weft::task<int>& done) {
      if (auto state = s.lock(); state && done.cancelled()) state->record(i, std::make_exception_ptr(weft::cancelled_error()));
    });
    tasks_.push_back(std::move(t));
  }
  if (!s_->p.cancels.empty()) weft::create_task(run_canceller(s_, tasks_), {.name = "canceller"});
  return tasks_;
}

bool program_run::ended_as_planned(std::size_t child) const {
  const std::optional<child_outcome> p = planned(child);
  const child_outcome& o = s_->outcomes[child];
  if (!p || o.k != p->k) return false;
  return o.k == child_outcome::kind::value ? o.value == p->value : o.raised_by == p->raised_by;
}

std::optional<child_outcome> program_run::planned(std::size_t i) const {
  const child_spec& c = s_->p.children[i];
  for (const child_step& s : c.steps) {
    if (s.k != child_step::kind::await) continue;
    std::optional<child_outcome> awaited = planned(std::min<std::size_t>(s.target, i - 1));
    if (!awaited || awaited->k == child_outcome::kind::raised) return awaited;
  }
  child_outcome o;
  switch (c.ending) {
    case child_ending::value:
      o.k = child_outcome::kind::value;
      o.value = c.value;
      return o;
    case child_ending::raise:
      o.k = child_outcome::kind::raised;
      o.raised_by = i;
      return o;
    case child_ending::hang: break;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> program_run::planned_end(std::size_t i) const {
  const child_spec& c = s_->p.children[i];
  std::uint32_t t = 0;
  for (const child_step& s : c.steps) {
    if (s.k == child_step::kind::sleep) {
      t += s.ticks;
      continue;
    }
    const std::size_t target = std::min<std::size_t>(s.target, i - 1);
    std::optional<std::uint32_t> end = planned_end(target);
    if (!end) return std::nullopt;
    t = std::max(t, *end);
    if (planned(target)->k == child_outcome::kind::raised) return t;
  }
  if (c.ending == child_ending::hang) return std::nullopt;
  return t;
}

}  // namespace weft::props
