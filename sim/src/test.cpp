#include "weft/sim/test.hpp"

#include <weft/weft.hpp>

namespace weft::sim {

namespace {
thread_local std::vector<std::string>* current_trace = nullptr;
}

void trace(std::string line) {
  if (current_trace) current_trace->push_back(std::move(line));
}

program body_program(test_body body, body_options opts) {
  return [body = std::move(body), opts](weft::scheduler& s) {
    outcome out;
    current_trace = &out.trace;
    struct reset {
      ~reset() { current_trace = nullptr; }
    } r;
    weft::virtual_clock clock;
    weft::event_loop loop({.clock = &clock, .scheduler = &s, .max_iterations = opts.max_iterations});
    std::string unretrieved;
    loop.set_exception_handler([&](weft::event_loop&, const weft::exception_context& ctx) {
      if (ctx.message.find("never retrieved") != std::string::npos && unretrieved.empty())
        unretrieved = ctx.message + (ctx.task_name.empty() ? "" : " (task " + ctx.task_name + ")") +
                      (ctx.exception ? ": " + weft::describe(ctx.exception) : "");
    });
    try {
      auto main = loop.create_task(body(), {.name = "main"});
      loop.run_until_complete(main);
    } catch (const weft::deadlock_error&) {
      out.failure = "deadlock: nothing ready, no timer; pending:";
      for (const auto& t : weft::all_tasks(loop))
        out.failure += " " + t.get_name() + (t.site().empty() ? "" : " at " + std::string(t.site())) + ";";
      out.failure.pop_back();
    } catch (const weft::iteration_limit_error& e) {
      out.failure = std::string("step limit: ") + e.what();
    } catch (...) {
      out.failure = "exception escaping main: " + weft::describe(std::current_exception());
    }
    loop.close();
    if (out.failure.empty() && opts.fail_on_unretrieved && !unretrieved.empty()) out.failure = unretrieved;
    return out;
  };
}

report explore(test_body body, const explore_options& opts, body_options bopts) {
  return explore(body_program(std::move(body), bopts), opts);
}

outcome replay(test_body body, const std::string& token, body_options bopts) {
  std::string error;
  auto s = decode_token(token, error);
  if (!s) throw std::invalid_argument(error);
  std::string mismatch;
  outcome out = replay_run(body_program(std::move(body), bopts), *s, mismatch);
  if (!mismatch.empty()) throw std::invalid_argument("the schedule token does not fit this test: " + mismatch);
  return out;
}

std::string format_report(const report& r) {
  std::string out = std::to_string(r.runs) + " schedules explored: " + std::to_string(r.trace_hashes.size()) +
                    " distinct traces, " + std::to_string(r.failures) + " failing\n";
  for (const auto& n : r.nondeterminism) out += "nondeterminism: " + n + "\n";
  if (!r.first_failure) return out;
  const failure_report& f = *r.first_failure;
  std::string token = encode_token(f.shrunk);
  out += "first failure (run " + std::to_string(f.run) + "): " + f.failure + "\n";
  out += "schedule: " + std::to_string(f.found.deviations()) + " deviation(s) as found, " +
         std::to_string(f.shrunk.deviations()) + " shrunk (" + std::to_string(f.shrunk.faults()) + " fault(s))\n";
  out += "shrunk trace:\n";
  for (const auto& l : f.shrunk_trace) out += "  " + l + "\n";
  if (!f.race.empty()) {
    out += "the race:\n";
    for (const auto& l : f.race) out += "  " + l + "\n";
  }
  out += "replay: WEFT_REPLAY=" + token + " (or weft::sim::replay(body, \"" + token + "\"))\n";
  return out;
}

}  // namespace weft::sim
