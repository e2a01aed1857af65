#include "scenario_program.hpp"

#include <weft/scenario/interpreter.hpp>

namespace weft::scenario {

weft::sim::program sim_program(const program& prog, failure_options opts) {
  return [&prog, opts](weft::scheduler& s) {
    auto r = run(prog, {.scheduler = &s});
    weft::sim::outcome out;
    out.trace = std::move(r.trace);
    switch (r.end) {
      case ending::assertion_failed: out.failure = out.trace.back().substr(2); break;
      case ending::step_limit: out.failure = "step limit: the program did not end (livelock?)"; break;
      case ending::deadlock: {
        out.failure = "deadlock: nothing ready, no timer; pending:";
        for (const auto& p : r.pending) out.failure += " " + p + ";";
        out.failure.pop_back();
        break;
      }
      case ending::completed:
        for (const auto& line : out.trace)
          if (line.rfind("= main raised ", 0) == 0) out.failure = "exception escaping main: " + line.substr(14);
        if (out.failure.empty() && opts.fail_on_unretrieved && !r.unretrieved.empty()) {
          out.failure = "task exception never retrieved: " + r.unretrieved[0];
          for (std::size_t i = 1; i < r.unretrieved.size(); ++i) out.failure += "; " + r.unretrieved[i];
        }
        break;
    }
    return out;
  };
}

}  // namespace weft::scenario
