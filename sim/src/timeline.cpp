#include "weft/sim/timeline.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "timeline_layout.hpp"
#include "weft/sim/replay.hpp"
#include "weft/sim/report_format.hpp"
#include "weft/sim/sim_scheduler.hpp"

namespace weft::sim {

namespace detail {

timeline_layout lay_out(const timeline& t, double width, double spacing, double time_gap) {
  timeline_layout l;
  l.width = width;
  double pos = 0;
  for (std::size_t j = 0; j < t.steps.size(); ++j) {
    if (j == 0) {
      l.times.push_back({0, t.steps[0].at});
    } else if (t.steps[j].at != t.steps[j - 1].at) {
      pos += time_gap;
      l.times.push_back({pos - time_gap / 2, t.steps[j].at});
    }
    l.x.push_back(pos);
    pos += width + spacing;
  }
  l.end = pos;
  return l;
}

std::string in_ticks(weft::duration d, weft::duration tick) {
  if (tick.count() <= 0 || d % tick == weft::duration::zero()) return std::to_string(tick.count() > 0 ? d / tick : d.count());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(d.count()) / static_cast<double>(tick.count()));
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  return s;
}


std::string line_text(const std::string& line) {
  // "TIME LABEL: TEXT" (docs/scenario-format.md, "The trace"); other lines as they are.
  const auto space = line.find(' ');
  const auto colon = line.find(": ");
  if (line.rfind("= ", 0) == 0 || space == std::string::npos || colon == std::string::npos || colon < space ||
      space == 0 || line.find_first_not_of("0123456789") != space)
    return line;
  return line.substr(colon + 2);
}

}  // namespace detail

namespace {

/// Turns what the scheduler saw into lanes, wakers, and decisions tied to steps.
void build(timeline& t, const step_log& log) {
  // Lanes: one per task in order of first step, then timers and other callbacks.
  std::map<std::size_t, std::size_t> lane_of_task;  // task_number -> lane
  std::map<std::string, std::size_t> name_uses;
  std::optional<std::size_t> timers_lane, callbacks_lane;
  // Timers are logged in sequence order: find one by its sequence number.
  auto timer = [&](std::uint64_t seq) -> const observed_timer* {
    auto it = std::lower_bound(log.timers.begin(), log.timers.end(), seq,
                               [](const observed_timer& a, std::uint64_t v) { return a.sequence < v; });
    return it != log.timers.end() && it->sequence == seq ? &*it : nullptr;
  };
  std::map<std::uint64_t, std::size_t> step_of_sequence;
  std::map<std::size_t, std::size_t> last_step_of_task;  // task_number -> step, for suspended_at
  for (std::size_t j = 0; j < log.steps.size(); ++j) {
    const observed_step& o = log.steps[j];
    timeline_step s;
    s.at = o.at;
    s.site = o.site;
    if (o.task_number) {
      auto [it, fresh] = lane_of_task.try_emplace(o.task_number, t.lanes.size());
      if (fresh) t.lanes.push_back({o.task, true});
      // A task may rename itself (main starts as Task-1): the lane has its last name.
      t.lanes[it->second].name = o.name_after ? *o.name_after : o.task;
      s.lane = it->second;
      s.identity = o.task + '#' + std::to_string(o.task_steps);
      if (o.site_after) s.suspended_at = *o.site_after;
      if (auto prev = last_step_of_task.find(o.task_number); prev != last_step_of_task.end())
        if (t.steps[prev->second].suspended_at.empty()) t.steps[prev->second].suspended_at = o.site;
      last_step_of_task[o.task_number] = j;
    } else {
      const observed_timer* tm = timer(o.sequence);
      s.timer = tm != nullptr;
      auto& lane = s.timer ? timers_lane : callbacks_lane;
      if (!lane) {
        lane = t.lanes.size();
        t.lanes.push_back({s.timer ? "timers" : "callbacks", false});
      }
      s.lane = *lane;
      if (tm) s.due = tm->when;
      s.identity = s.timer ? "timer" : o.reported_task.empty() ? "callback" : "~done(" + o.reported_task + ")";
    }
    // Who scheduled it: the last step that began before its sequence number was handed out.
    auto after = std::upper_bound(log.steps.begin(), log.steps.begin() + static_cast<std::ptrdiff_t>(j), o.sequence,
                                  [](std::uint64_t seq, const observed_step& x) { return seq < x.first_scheduled; });
    if (after != log.steps.begin()) s.woken_by = static_cast<std::size_t>(after - log.steps.begin()) - 1;
    step_of_sequence[o.sequence] = j;
    t.steps.push_back(std::move(s));
  }
  // Tasks that share a name get "NAME (2)", ... in order of first step.
  for (std::size_t i = 0; i < t.lanes.size(); ++i) {
    if (!t.lanes[i].task) continue;
    const std::size_t uses = ++name_uses[t.lanes[i].name];
    if (uses > 1) t.lanes[i].name += " (" + std::to_string(uses) + ")";
  }
  // Decisions: the step each concerns.
  t.decision_steps.assign(t.decisions.decisions.size(), std::nullopt);
  t.displaced_steps.assign(t.decisions.decisions.size(), std::nullopt);
  t.race.assign(t.decisions.decisions.size(), false);
  for (std::size_t k = 0; k < t.decisions.decisions.size() && k < log.decisions.size(); ++k) {
    const observed_decision& o = log.decisions[k];
    if (o.sequence) {
      if (auto it = step_of_sequence.find(*o.sequence); it != step_of_sequence.end()) t.decision_steps[k] = it->second;
    } else if (o.step) {
      t.decision_steps[k] = *o.step;
    }
    if (o.displaced)
      if (auto it = step_of_sequence.find(*o.displaced); it != step_of_sequence.end()) t.displaced_steps[k] = it->second;
    if (t.decisions.decisions[k].choice && t.decision_steps[k]) t.steps[*t.decision_steps[k]].decisions.push_back(k);
  }
  // Lines: as logged; a program that showed none keeps its trace, unplaced.
  if (log.lines.size() == t.result.trace.size()) {
    for (const auto& l : log.lines) t.lines.push_back({l.text, l.step});
  } else {
    for (const auto& l : t.result.trace) t.lines.push_back({l, std::nullopt});
  }
  // A run that failed inside a step froze its trace there with a "= ..." line.
  if (t.result.failed)
    for (const auto& l : t.lines)
      if (l.step && l.text.rfind("= ", 0) == 0) {
        t.failed_at = l.step;
        break;
      }
}

using json = nlohmann::json;

}  // namespace

timeline record_timeline(const observed_program& prog, const schedule& s, std::string& mismatch, weft::duration tick) {
  replay strat(s);
  sim_scheduler sched(strat, replay_faults(s, tick));
  sched.record_steps();
  timeline t;
  t.result = prog(sched, [&sched](const std::string& line) { sched.note_line(line); });
  mismatch = strat.mismatch();
  t.decisions = sched.recorded();
  build(t, *sched.steps());
  return t;
}

void mark_race(timeline& t, const std::vector<decision>& race) {
  t.race.resize(t.decisions.decisions.size(), false);
  for (const decision& r : race)
    for (std::size_t k = 0; k < t.decisions.decisions.size(); ++k)
      if (!t.race[k] && t.decisions.decisions[k] == r) {
        t.race[k] = true;
        break;
      }
}

std::vector<std::string> step_trace(const timeline& t, weft::duration tick) {
  std::vector<std::string> out;
  for (std::size_t j = 0; j < t.steps.size(); ++j) {
    const timeline_step& s = t.steps[j];
    if (!t.lanes[s.lane].task) continue;
    std::string line = detail::at_text(s.at, tick) + " " + s.identity + ": ";
    if (s.woken_by) {
      const timeline_step& w = t.steps[*s.woken_by];
      line += "woken by " + (w.timer ? "a timer due at " + detail::at_text(w.due, tick) : w.identity) + ", ";
    }
    line += s.site.empty() ? "started" : "resumed at " + s.site;
    if (!s.suspended_at.empty()) line += ", suspended at " + s.suspended_at;
    for (std::size_t k : s.decisions) {
      const decision& d = t.decisions.decisions[k];
      if (d.kind == decision_kind::ready) line += "; ran before " + d.displaced + " (a deviation from FIFO)";
      if (d.kind == decision_kind::cancel) line += "; cancelled at its await (an injected fault)";
    }
    if (t.failed_at == j) line += "; the run failed in this step";
    out.push_back(std::move(line));
  }
  return out;
}

std::string chrome_trace(const timeline& t, const timeline_format& f) {
  // Microseconds on the axis: a step is 100 wide, 20 apart, 100 more where
  // virtual time moves. The axis is run order, not time.
  constexpr double width = 100, spacing = 20, gap = 100;
  const detail::timeline_layout l = detail::lay_out(t, width, spacing, gap);
  json events = json::array();
  constexpr int pid = 1;
  auto tid = [](std::size_t lane) { return static_cast<int>(lane) + 1; };
  events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"args", {{"name", f.title.empty() ? "weft run" : f.title}}}});
  for (std::size_t i = 0; i < t.lanes.size(); ++i) {
    events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", tid(i)}, {"args", {{"name", t.lanes[i].name}}}});
    events.push_back({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", pid}, {"tid", tid(i)}, {"args", {{"sort_index", i}}}});
  }
  for (const auto& m : l.times)
    events.push_back({{"ph", "C"}, {"name", "virtual time"}, {"pid", pid}, {"ts", m.x},
                      {"args", {{"t", static_cast<double>(m.at.count()) / static_cast<double>(f.tick.count())}}}});

  // Lines per step, to spread them across their slice.
  std::vector<std::vector<std::size_t>> lines_of(t.steps.size());
  for (std::size_t i = 0; i < t.lines.size(); ++i)
    if (t.lines[i].step) lines_of[*t.lines[i].step].push_back(i);

  for (std::size_t j = 0; j < t.steps.size(); ++j) {
    const timeline_step& s = t.steps[j];
    bool race = false, fault = false, deviation = false;
    json about = json::array();
    for (std::size_t k : s.decisions) {
      const decision& d = t.decisions.decisions[k];
      (detail::is_fault(d) ? fault : deviation) = true;
      race = race || t.race[k];
      about.push_back(describe(d));
    }
    std::string name = s.identity + " " + detail::at_text(s.at, f.tick);
    if (race) name += " [race]";
    else if (fault) name += " [fault]";
    else if (deviation) name += " [deviation]";
    json args = {{"step", j}, {"virtual time", detail::in_ticks(s.at, f.tick)}};
    if (t.lanes[s.lane].task) {
      args["resumed at"] = detail::resumed_text(s);
      if (!s.suspended_at.empty()) args["suspended at"] = s.suspended_at;
    }
    if (s.timer) args["due"] = detail::in_ticks(s.due, f.tick);
    if (s.woken_by) args["made ready by"] = t.steps[*s.woken_by].identity + " (step " + std::to_string(*s.woken_by) + ")";
    if (!about.empty()) args["decisions"] = about;
    json logged = json::array();
    for (std::size_t i : lines_of[j]) logged.push_back(t.lines[i].text);
    if (!logged.empty()) args["logged"] = logged;
    json slice = {{"ph", "X"}, {"name", name}, {"cat", "step"}, {"pid", pid}, {"tid", tid(s.lane)}, {"ts", l.x[j]},
                  {"dur", width}, {"args", args}};
    slice["cname"] = race ? "terrible" : fault ? "bad" : deviation ? "yellow" : t.lanes[s.lane].task ? "good" : "grey";
    events.push_back(std::move(slice));
    // Its lines, spread inside it; a frozen "= ..." line is the failure, below.
    const auto& mine = lines_of[j];
    for (std::size_t n = 0; n < mine.size(); ++n) {
      const std::string& text = t.lines[mine[n]].text;
      if (text.rfind("= ", 0) == 0) continue;
      events.push_back({{"ph", "i"}, {"s", "t"}, {"name", detail::line_text(text)}, {"pid", pid}, {"tid", tid(s.lane)},
                        {"ts", l.x[j] + width * static_cast<double>(n + 1) / static_cast<double>(mine.size() + 1)},
                        {"args", {{"line", text}}}});
    }
    // Its deviations and faults, at its start.
    for (std::size_t k : s.decisions) {
      const decision& d = t.decisions.decisions[k];
      json ev = {{"ph", "i"}, {"s", "t"}, {"name", describe(d)}, {"cat", "decision"}, {"pid", pid}, {"tid", tid(s.lane)},
                 {"ts", l.x[j]}, {"args", {{"race", static_cast<bool>(t.race[k])}, {"fault", detail::is_fault(d)}}}};
      if (t.race[k]) ev["cname"] = "terrible";
      events.push_back(std::move(ev));
    }
  }
  // Deviations tied to no step (a late timer that never fired): at the end.
  for (std::size_t k = 0; k < t.decisions.decisions.size(); ++k)
    if (t.decisions.decisions[k].choice && !t.decision_steps[k])
      events.push_back({{"ph", "i"}, {"s", "g"}, {"name", describe(t.decisions.decisions[k])}, {"cat", "decision"},
                        {"pid", pid}, {"ts", l.end}, {"args", {{"race", static_cast<bool>(t.race[k])}}}});

  // What made each step ready: an arrow from the step that scheduled it.
  std::uint64_t flow_id = 0;
  auto arrow = [&](std::size_t from, double from_at, std::size_t to, double to_at, const std::string& name,
                   const char* cat) {
    ++flow_id;
    events.push_back({{"ph", "s"}, {"id", flow_id}, {"name", name}, {"cat", cat}, {"pid", pid},
                      {"tid", tid(t.steps[from].lane)}, {"ts", l.x[from] + from_at}});
    events.push_back({{"ph", "f"}, {"bp", "e"}, {"id", flow_id}, {"name", name}, {"cat", cat}, {"pid", pid},
                      {"tid", tid(t.steps[to].lane)}, {"ts", l.x[to] + to_at}});
  };
  for (std::size_t j = 0; j < t.steps.size(); ++j) {
    const timeline_step& s = t.steps[j];
    if (!s.woken_by) continue;
    const timeline_step& w = t.steps[*s.woken_by];
    const std::string name = s.timer        ? "sets a timer due " + detail::at_text(s.due, f.tick)
                             : w.timer      ? "timer fires"
                             : w.lane == s.lane ? "resumes itself"
                                                : "makes ready";
    arrow(*s.woken_by, width - 10, j, 10, name, "wake");
  }
  // The race: each of its deviations arrowed to the step it ran before.
  for (std::size_t k = 0; k < t.decisions.decisions.size(); ++k)
    if (t.race[k])
      if (auto to = t.displaced_steps[k]; to && t.decision_steps[k]) arrow(*t.decision_steps[k], width / 2, *to, width / 2, "ran before", "race");

  // Lines logged once the loop stopped ("= NAME STATE"): on that task's lane.
  // They come in creation order, as do lanes of tasks that share a name.
  double tail = l.end;
  std::map<std::string, std::size_t> seen;
  for (const auto& line : t.lines) {
    if (line.step) continue;
    std::size_t lane = 0;
    if (line.text.rfind("= ", 0) == 0) {
      const std::string who = line.text.substr(2, line.text.find(' ', 2) - 2);
      std::size_t nth = seen[who]++;
      for (std::size_t i = 0; i < t.lanes.size(); ++i)
        if (t.lanes[i].task && (t.lanes[i].name == who || t.lanes[i].name.rfind(who + " (", 0) == 0) && nth-- == 0) {
          lane = i;
          break;
        }
    }
    events.push_back({{"ph", "i"}, {"s", "t"}, {"name", line.text}, {"pid", pid}, {"tid", tid(lane)}, {"ts", tail}});
    tail += 10;
  }
  if (t.result.failed) {
    const std::string msg = t.result.failed->message();
    const double at = t.failed_at ? l.x[*t.failed_at] + width : l.end;
    events.push_back({{"ph", "i"}, {"s", "g"}, {"name", msg}, {"cat", "failure"}, {"pid", pid}, {"ts", at}, {"cname", "terrible"}});
    if (t.failed_at)
      events.push_back({{"ph", "i"}, {"s", "t"}, {"name", msg}, {"cat", "failure"}, {"pid", pid},
                        {"tid", tid(t.steps[*t.failed_at].lane)}, {"ts", at - 1}, {"cname", "terrible"}});
  }
  json other = {{"axis", "run order: one slice per step, 100 us wide; virtual time in each slice's name and args"},
                {"steps", t.steps.size()}};
  if (t.result.failed) other["failure"] = t.result.failed->message();
  return json{{"traceEvents", events}, {"displayTimeUnit", "ms"}, {"otherData", other}}.dump(1) + "\n";
}

}  // namespace weft::sim
