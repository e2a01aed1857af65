#include "weft/sim/test.hpp"

#include <filesystem>
#include <fstream>

#include <weft/weft.hpp>

#include "weft/sim/replay.hpp"
#include "weft/sim/report_format.hpp"
#include "weft/sim/shrink.hpp"

namespace weft::sim {

namespace {
struct trace_sink {
  std::vector<std::string>& lines;
  const std::function<void(const std::string&)>* on_line;
};
thread_local trace_sink* current_trace = nullptr;
}  // namespace

void trace(std::string line) {
  if (!current_trace) return;
  if (*current_trace->on_line) (*current_trace->on_line)(line);
  current_trace->lines.push_back(std::move(line));
}

program body_program(test_body body, body_options opts) {
  return [prog = body_observed_program(std::move(body), opts)](weft::scheduler& s) { return prog(s, {}); };
}

observed_program body_observed_program(test_body body, body_options opts) {
  return [body = std::move(body), opts](weft::scheduler& s, const std::function<void(const std::string&)>& on_line) {
    run_result out;
    trace_sink sink{out.trace, &on_line};
    current_trace = &sink;
    struct reset {
      ~reset() { current_trace = nullptr; }
    } r;
    weft::virtual_clock clock;
    weft::event_loop loop({.clock = &clock,
                           .scheduler = &s,
                           .max_iterations = opts.max_iterations,
                           .max_tasks = opts.max_tasks,
                           .max_heap = opts.max_heap});
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
    } catch (const weft::resource_limit_error& e) {
      out.failed = failure{failure_kind::resource_limit, e.what(), {}};
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
  report r = explore(body_program(body, bopts), opts);
  if (r.first_failure && r.first_failure->shrunk_trace.empty())
    r.first_failure->shrunk_trace =
        step_trace(body_timeline(std::move(body), r.first_failure->shrunk, bopts, opts.faults.tick), opts.faults.tick);
  return r;
}

run_result replay(test_body body, const std::string& token, body_options bopts) {
  std::string error;
  auto s = decode_token(token, error);
  if (!s) throw std::invalid_argument(error);
  timeline t = body_timeline(std::move(body), *s, bopts);
  if (t.result.trace.empty()) t.result.trace = step_trace(t);
  return std::move(t.result);
}

timeline body_timeline(test_body body, const schedule& s, body_options bopts, weft::duration tick) {
  std::string mismatch;
  timeline t = record_timeline(body_observed_program(body, bopts), s, mismatch, tick);
  if (!mismatch.empty()) throw std::invalid_argument("the schedule token does not fit this test: " + mismatch);
  if (t.result.failed) mark_race(t, name_race(body_program(std::move(body), bopts), t.decisions, *t.result.failed, tick));
  return t;
}

std::vector<std::string> write_run_pictures(test_body body, const schedule& s, const std::string& dir,
                                            const std::string& name, const std::string& replay_command,
                                            bool shrunk, body_options bopts) {
  const timeline t = body_timeline(std::move(body), s, bopts);
  const timeline_format format{name, std::chrono::seconds(1)};
  std::filesystem::create_directories(dir);
  const std::string base = (std::filesystem::path(dir) / name).string();
  const std::vector<std::pair<std::string, std::string>> files{
      {base + ".html", html_page(t, format, {replay_command, {}, shrunk})},
      {base + ".trace.json", chrome_trace(t, format)}};
  std::vector<std::string> paths;
  for (const auto& [path, text] : files) {
    std::ofstream f(path, std::ios::binary);
    f << text;
    f.flush();
    if (!f) throw std::runtime_error("cannot write " + path);
    paths.push_back(path);
  }
  return paths;
}

std::string format_report(const report& r, const explore_options& opts, const std::string& name) {
  report_subject about{name, opts, [](const std::string& token) { return "WEFT_REPLAY=" + token; }, std::nullopt};
  return format_text(r, about);
}

}  // namespace weft::sim
