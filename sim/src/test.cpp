#include "weft/sim/test.hpp"

#include <weft/weft.hpp>

#include "weft/sim/report_format.hpp"

namespace weft::sim {

namespace {
thread_local std::vector<std::string>* current_trace = nullptr;
}

void trace(std::string line) {
  if (current_trace) current_trace->push_back(std::move(line));
}

program body_program(test_body body, body_options opts) {
  return [body = std::move(body), opts](weft::scheduler& s) {
    run_result out;
    current_trace = &out.trace;
    struct reset {
      ~reset() { current_trace = nullptr; }
    } r;
    weft::virtual_clock clock;
    weft::event_loop loop({.clock = &clock, .scheduler = &s, .max_iterations = opts.max_iterations});
    std::optional<failure> unretrieved;
    loop.set_exception_handler([&](weft::event_loop&, const weft::exception_context& ctx) {
      if (ctx.message.find("never retrieved") != std::string::npos && !unretrieved)
        unretrieved = failure{failure_kind::unretrieved,
                              (ctx.task_name.empty() ? "a future" : ctx.task_name) + " raised " +
                                  (ctx.exception ? weft::describe(ctx.exception) : "an exception"),
                              {}};
    });
    try {
      auto main = loop.create_task(body(), {.name = "main"});
      loop.run_until_complete(main);
    } catch (const weft::deadlock_error&) {
      failure f{failure_kind::deadlock, {}, {}};
      for (const auto& t : weft::all_tasks(loop))
        f.where.push_back(t.get_name() + (t.site().empty() ? "" : " at " + std::string(t.site())));
      out.failed = std::move(f);
    } catch (const weft::iteration_limit_error& e) {
      out.failed = failure{failure_kind::step_limit, e.what(), {}};
    } catch (const check_failure& e) {
      out.failed = failure{failure_kind::assertion, e.condition(), {e.where()}};
    } catch (...) {
      out.failed = failure{failure_kind::exception, weft::describe(std::current_exception()), {}};
    }
    loop.close();
    if (!out.failed && opts.fail_on_unretrieved) out.failed = std::move(unretrieved);
    return out;
  };
}

report explore(test_body body, const explore_options& opts, body_options bopts) {
  return explore(body_program(std::move(body), bopts), opts);
}

run_result replay(test_body body, const std::string& token, body_options bopts) {
  std::string error;
  auto s = decode_token(token, error);
  if (!s) throw std::invalid_argument(error);
  std::string mismatch;
  run_result out = replay_run(body_program(std::move(body), bopts), *s, mismatch);
  if (!mismatch.empty()) throw std::invalid_argument("the schedule token does not fit this test: " + mismatch);
  return out;
}

std::string format_report(const report& r, const explore_options& opts, const std::string& name) {
  report_subject about{name, opts, [](const std::string& token) { return "WEFT_REPLAY=" + token; }, std::nullopt};
  return format_text(r, about);
}

}  // namespace weft::sim
