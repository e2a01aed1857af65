#include "weft/scenario/sim_program.hpp"

#include <weft/scenario/interpreter.hpp>

namespace weft::scenario {

weft::sim::program sim_program(const program& prog, failure_options opts,
                               std::function<void(const std::string& line)> on_line) {
  return [&prog, opts, on_line = std::move(on_line)](weft::scheduler& s) {
    using weft::sim::failure;
    using weft::sim::failure_kind;
    auto r = run(prog, {.scheduler = &s, .on_line = on_line});
    weft::sim::run_result out;
    out.trace = std::move(r.trace);
    switch (r.end) {
      case ending::assertion_failed: out.failed = failure{failure_kind::assertion, std::move(r.assertion), {}}; break;
      case ending::step_limit:
        out.failed = failure{failure_kind::step_limit, "the program did not end (livelock?)", {}};
        break;
      case ending::deadlock: out.failed = failure{failure_kind::deadlock, {}, std::move(r.pending)}; break;
      case ending::completed:
        if (!r.main_raised.empty()) {
          out.failed = failure{failure_kind::exception, std::move(r.main_raised), {}};
        } else if (opts.fail_on_unretrieved && !r.unretrieved.empty()) {
          std::string lost = r.unretrieved[0];
          for (std::size_t i = 1; i < r.unretrieved.size(); ++i) lost += "; " + r.unretrieved[i];
          out.failed = failure{failure_kind::unretrieved, std::move(lost), {}};
        }
        break;
    }
    return out;
  };
}

}  // namespace weft::scenario
