#pragma once
/// Rendering what the simulator found, in one place: a decision in words, and
/// an exploration's report as text (the `weft` command, the gtest helper) or
/// as JSON (`weft explore --json`).

#include <functional>
#include <optional>
#include <span>
#include <string>

#include "weft/sim/explore.hpp"
#include "weft/sim/schedule.hpp"

namespace weft::sim {

/// A decision in words, as races, replays and timelines show it:
/// "b#0 (at its start) ran before a#0 (at its start)", "an injected cancel of
/// a#2 (at /coros/a/1)", "timer 3 fired 2 tick(s) late".
std::string describe(const decision& d);

/// What a report is about, for rendering it.
struct report_subject {
  std::string name;          ///< what was explored: a scenario file, a test
  explore_options options;   ///< how (strategy, seed, bounds)
  /// The command that replays a schedule token, shown with a failure.
  std::function<std::string(const std::string& token)> replay_command;
  std::optional<double> seconds;  ///< wall time of the exploration, shown if set
};

/// The report as indented text, one line per fact: the summary, then for a
/// failure the shrunk trace, the race and the replay command.
std::string format_text(const report& r, const report_subject& about);

/// A report and its subject, for format_json.
struct subject_report {
  const report& result;
  const report_subject& about;
};

/// The reports as JSON (an object for one, an array for several), indented.
std::string format_json(std::span<const subject_report> reports);

/// The name a strategy has on the command line ("random", "pct", "dfs"), and back.
const char* strategy_name(strategy_kind k) noexcept;
std::optional<strategy_kind> strategy_from_name(const std::string& name) noexcept;

}  // namespace weft::sim
