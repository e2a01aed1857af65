#pragma once
/// A run as a picture: every step of a replayed run on the lane of its task,
/// in run order, with what made each step ready, the trace lines it logged,
/// the decisions that left FIFO order and the failure. Rendered as Chrome
/// trace-event JSON (Perfetto, chrome://tracing) and as a self-contained HTML
/// report (docs/simulator.md, "Timelines").

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "weft/scheduler.hpp"
#include "weft/sim/run.hpp"
#include "weft/sim/schedule.hpp"

namespace weft::sim {

/// A program that also shows each trace line, as the run logs it, to
/// `on_line`: what lets a timeline put a line in the step that logged it.
/// weft::scenario::sim_program(prog, opts, on_line) makes one for scenarios.
using observed_program =
    std::function<run_result(weft::scheduler& scheduler, const std::function<void(const std::string&)>& on_line)>;

/// A lane: one task, or the callbacks that belong to no task.
struct timeline_lane {
  std::string name;  ///< the task's name ("main", "a"); "timers" or "callbacks" for the rest
  bool task = true;  ///< false for the timers and callbacks lanes
};

/// One step: a ready callback the loop ran (a task's step, a timer, a plain callback).
struct timeline_step {
  std::size_t lane = 0;
  /// "a#1" (task a's second step), "timer", "~done(a)" (a done callback
  /// reporting a's end), "callback".
  std::string identity;
  std::string site;          ///< the task's site as the step began; "" at its start
  std::string suspended_at;  ///< the task's site as its next step began; "" if it did not run again
  weft::duration at{};       ///< the loop's (virtual) time
  /// The step that made this one ready (set the event, completed the future,
  /// set the timer, ...); none if it was scheduled before the run.
  std::optional<std::size_t> woken_by;
  bool timer = false;        ///< a timer's callback
  weft::duration due{};      ///< a timer's deadline as asked (before jitter)
  std::vector<std::size_t> decisions;  ///< deviations and faults about it (indices into timeline::decisions)
};

/// A trace line and the step that logged it.
struct timeline_line {
  std::string text;
  std::optional<std::size_t> step;  ///< none: logged once the loop stopped (a run's last lines)
};

/// A recorded run.
struct timeline {
  std::vector<timeline_lane> lanes;  ///< in order of first step
  std::vector<timeline_step> steps;  ///< in run order
  std::vector<timeline_line> lines;  ///< the trace, in order
  schedule decisions;                ///< every decision taken
  /// Per decision: the step it concerns (the step a ready decision picked,
  /// the timer a timer or jitter decision moved, the step a cancel hit).
  std::vector<std::optional<std::size_t>> decision_steps;
  /// Per ready or timer decision: the step FIFO order would have run in its
  /// place, which ran later (the step a deviation "ran before").
  std::vector<std::optional<std::size_t>> displaced_steps;
  std::vector<bool> race;            ///< per decision: part of the race (mark_race)
  run_result result;
  /// The step during which the run failed (a failed assertion); none if it
  /// failed once the loop stopped (a deadlock, main raising) or passed.
  std::optional<std::size_t> failed_at;
};

/// Replays `s` on `prog` by identity (as replay_run does) and records the
/// run's timeline. `mismatch` is set if `s` does not fit the program.
timeline record_timeline(const observed_program& prog, const schedule& s, std::string& mismatch,
                         weft::duration tick = std::chrono::seconds(1));

/// Marks the decisions that form the race: those equal to an element of
/// `race` (what name_race returns for t.decisions).
void mark_race(timeline& t, const std::vector<decision>& race);

/// The run as text, a line per task step in run order: its virtual time
/// (in ticks), identity, what woke it, the site it resumed at and the one it
/// suspended at, and the deviation or fault that concerns it:
///   "t=0 b#1: woken by b#0, resumed at pool.cpp:40 in acquire, suspended at
///    pool.cpp:42 in acquire; ran before a#1 (a deviation from FIFO)".
/// What a failure report shows for a program that logs no trace of its own
/// (a C++ body that never calls sim::trace).
std::vector<std::string> step_trace(const timeline& t, weft::duration tick = std::chrono::seconds(1));

/// How timelines are rendered.
struct timeline_format {
  std::string title;                                ///< what ran (a scenario file)
  weft::duration tick = std::chrono::seconds(1);    ///< the unit virtual time is shown in
};

/// The timeline as Chrome trace-event JSON: a named thread per lane; each step
/// a slice ("X") in run order (virtual time often stands still between steps,
/// so slices are laid out one after the other, with a gap where time moves,
/// and carry the virtual time in their name and args); what made a step ready
/// a flow arrow ("s" to "f"); trace lines, deviations, faults and the failure
/// instant events ("i"), the failure global; the race's deviations coloured
/// (cname) and arrowed to the step they ran before.
std::string chrome_trace(const timeline& t, const timeline_format& f);

/// What an HTML report shows besides the timeline.
struct html_report {
  std::string replay_command;      ///< the command that replays this run
  std::vector<std::string> notes;  ///< more lines under it (e.g. the token as given)
  bool shrunk = false;             ///< the run is a shrunk failure (titles its trace so)
};

/// A self-contained HTML page (inline CSS, SVG and a little JS; nothing
/// fetched) about one run: its failure, the race, the lanes, its trace and
/// the command that replays it.
std::string html_page(const timeline& t, const timeline_format& f, const html_report& r);

}  // namespace weft::sim
