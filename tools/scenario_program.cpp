#include "scenario_program.hpp"

#include <weft/scenario/interpreter.hpp>

namespace weft::scenario {

weft::sim::program sim_program(const program& prog, failure_options opts) {
  return [&prog, opts](weft::scheduler& s) {
    auto r = run(prog, {.scheduler = &s});
    weft::sim::outcome out;
    out.trace = std::move(r.trace);
    switch (r.end) {
      case ending::assertion_failed: out.failure = "assertion failed: " + r.assertion; break;
      case ending::step_limit: out.failure = "step limit: the program did not end (livelock?)"; break;
      case ending::deadlock: {
        out.failure = "deadlock: nothing ready, no timer; pending:";
        for (const auto& p : r.pending) out.failure += " " + p + ";";
        out.failure.pop_back();
        break;
      }
      case ending::completed:
        if (!r.main_raised.empty()) out.failure = "exception escaping main: " + r.main_raised;
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
