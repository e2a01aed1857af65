#pragma once
// What the two renderings of a timeline share: where each step goes along the
// axis, and how times and steps are named.

#include <string>
#include <vector>

#include "weft/sim/timeline.hpp"

namespace weft::sim::detail {

/// Steps side by side in run order, `width` wide and `spacing` apart, with a
/// further `time_gap` wherever virtual time moved: an axis of run order, since
/// many steps share one instant.
struct timeline_layout {
  struct time_mark {
    double x;             // where the instant begins (the middle of the gap before it)
    weft::duration at;
  };
  std::vector<double> x;  // left edge of each step
  double width = 0;
  double end = 0;         // past the last step
  std::vector<time_mark> times;  // the first instant, then each time virtual time moved
};

timeline_layout lay_out(const timeline& t, double width, double spacing, double time_gap);

/// `d` in ticks: "5", or "0.25" for a fraction.
std::string in_ticks(weft::duration d, weft::duration tick);

/// "t=5" and the like.
inline std::string at_text(weft::duration d, weft::duration tick) { return "t=" + in_ticks(d, tick); }

/// Where a task's step began: its site, or "its start".
inline std::string resumed_text(const timeline_step& s) {
  if (!s.site.empty()) return s.site;
  return s.identity.size() > 2 && s.identity.compare(s.identity.size() - 2, 2, "#0") == 0 ? "its start" : "";
}

/// Whether a decision is a fault (an injected cancel, a late timer).
inline bool is_fault(const decision& d) {
  return d.kind == decision_kind::cancel || d.kind == decision_kind::jitter;
}

/// A trace line's text without its "TIME LABEL: " prefix (scenario lines).
std::string line_text(const std::string& line);

}  // namespace weft::sim::detail
