#include "weft/sim/report_format.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace weft::sim {

namespace {

/// Where a task was at a decision: its site, or "at its start" for its first step.
std::string place(const std::string& id, const std::string& site) {
  if (!site.empty()) return " (at " + site + ")";
  return id.size() > 2 && id.compare(id.size() - 2, 2, "#0") == 0 ? std::string(" (at its start)") : std::string();
}

std::string fixed(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

std::string describe(const decision& d) {
  switch (d.kind) {
    case decision_kind::ready:
      return d.chosen + place(d.chosen, d.chosen_site) + " ran before " + d.displaced +
             place(d.displaced, d.displaced_site) +
             (d.ordinal ? " [time " + std::to_string(d.ordinal + 1) + " that " + d.displaced + " was next]" : "");
    case decision_kind::timer:
      return "timer " + std::to_string(d.ordinal) + ": a later-scheduled timer due at the same instant fired first";
    case decision_kind::cancel: return "an injected cancel of " + d.chosen + place(d.chosen, d.chosen_site);
    case decision_kind::jitter:
      return "timer " + std::to_string(d.ordinal) + " fired " + std::to_string(d.choice) + " tick(s) late";
    case decision_kind::thread:
      return d.chosen == "none" ? "thread decision " + std::to_string(d.ordinal) + ": no thread's work arrived yet, though " +
                                      d.displaced + " could have sent its next"
                                : "thread decision " + std::to_string(d.ordinal) + ": " + d.chosen +
                                      " sent its next before " + d.displaced;
  }
  return "?";
}

const char* strategy_name(strategy_kind k) noexcept {
  switch (k) {
    case strategy_kind::pct: return "pct";
    case strategy_kind::dfs: return "dfs";
    case strategy_kind::coverage: return "coverage";
    case strategy_kind::random: break;
  }
  return "random";
}

std::optional<strategy_kind> strategy_from_name(const std::string& name) noexcept {
  for (strategy_kind k : {strategy_kind::random, strategy_kind::pct, strategy_kind::dfs, strategy_kind::coverage})
    if (name == strategy_name(k)) return k;
  return std::nullopt;
}

std::string format_text(const report& r, const report_subject& about) {
  const explore_options& o = about.options;
  std::string out = about.name + ": " + std::to_string(r.runs) + " schedules explored (" + strategy_name(o.strategy) +
                    ", seed " + std::to_string(o.seed) + "): " + std::to_string(r.trace_hashes.size()) +
                    " distinct traces, " + std::to_string(r.failures) + " failing";
  if (o.strategy == strategy_kind::dfs)
    out += r.exhausted ? "; every schedule with at most " + std::to_string(o.max_delays) + " delays was run"
                       : "; the space with at most " + std::to_string(o.max_delays) + " delays was not exhausted";
  out += "\n";
  if (about.seconds)
    out += "  " + fixed("%.3f", *about.seconds) + " s, " +
           fixed("%.0f", *about.seconds > 0 ? static_cast<double>(r.runs) / *about.seconds : 0.0) + " schedules/s\n";
  for (const auto& n : r.nondeterminism) out += "  nondeterminism: " + n.message() + "\n";
  if (!r.nondeterminism.empty())
    out += "  (a run that does not repeat itself usually reads state shared between runs: globals, statics,\n"
           "   caches or state an earlier run left behind; with jobs > 1, runs of a C++ body also run at once)\n";
  if (!r.first_failure) return out;
  const failure_report& f = *r.first_failure;
  out += "  first failure (run " + std::to_string(f.run) + "): " + f.failed.message() + "\n";
  out += "  schedule: " + std::to_string(f.found.deviations()) + " deviation(s) from FIFO, " +
         std::to_string(f.found.faults()) + " fault(s) as found; " + std::to_string(f.shrunk.deviations()) +
         " deviation(s), " + std::to_string(f.shrunk.faults()) + " fault(s) shrunk\n";
  out += "  shrunk failing trace:\n";
  for (const auto& l : f.shrunk_trace) out += "    " + l + "\n";
  if (f.shrunk.deviations() == 0)
    out += f.shrunk.faults() == 0 ? "  fails without any reordering: this is not a race (it fails in FIFO order)\n"
                                  : "  fails without any reordering, from the injected fault(s) alone: this is not a race\n";
  if (!f.race.empty()) {
    out += "  the race (flipping any of these back to FIFO makes the run pass):\n";
    for (const auto& d : f.race) out += "    " + describe(d) + "\n";
  }
  if (about.replay_command) out += "  replay: " + about.replay_command(encode_token(f.shrunk)) + "\n";
  return out;
}

std::string format_json(std::span<const subject_report> reports) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& [r, about] : reports) {
    std::vector<std::string> nondeterminism;
    for (const auto& n : r.nondeterminism) nondeterminism.push_back(n.message());
    nlohmann::json j{{"file", about.name},
                     {"strategy", strategy_name(about.options.strategy)},
                     {"seed", about.options.seed},
                     {"runs", r.runs},
                     {"failures", r.failures},
                     {"distinct_traces", r.trace_hashes.size()},
                     {"trace_hashes", r.trace_hashes},
                     {"exhausted", r.exhausted},
                     {"nondeterminism", nondeterminism}};
    if (r.first_failure) {
      const failure_report& f = *r.first_failure;
      const std::string token = encode_token(f.shrunk);
      std::vector<std::string> race;
      for (const auto& d : f.race) race.push_back(describe(d));
      j["first_failure"] = {{"run", f.run},
                            {"failure", f.failed.message()},
                            {"found_deviations", f.found.deviations()},
                            {"shrunk_deviations", f.shrunk.deviations()},
                            {"shrunk_faults", f.shrunk.faults()},
                            {"token", token},
                            {"trace", f.shrunk_trace},
                            {"race", race},
                            {"replay", about.replay_command ? about.replay_command(token) : ""}};
    }
    if (about.seconds) j["seconds"] = *about.seconds;
    all.push_back(std::move(j));
  }
  // A file name need not be UTF-8: its bad bytes show as U+FFFD, never an abort.
  return (all.size() == 1 ? all[0] : all).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace weft::sim
