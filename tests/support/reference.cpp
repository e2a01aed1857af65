#include "reference.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace weft_test {

namespace {
std::string stamp(weft::time_point t) {
  using namespace std::chrono;
  // round(loop.time() * 1000), as vloop.now_ms
  auto ns = t.time_since_epoch().count();
  long long ms = (ns >= 0 ? ns + 500000 : ns - 500000) / 1000000;
  return std::to_string(ms);
}
}  // namespace

void event_log::operator()(std::string_view text) { at(weft::get_running_loop(), text); }

void event_log::at(weft::event_loop& loop, std::string_view text) {
  std::string line = stamp(loop.time());
  line += ' ';
  line += text;
  lines_.push_back(std::move(line));
}

weft::coro<void> ticker(event_log& ev, int ticks, weft::duration step, std::string label) {
  for (int i = 0; i < ticks; ++i) {
    ev(label + " " + std::to_string(i));
    co_await weft::sleep(step);
  }
}

weft::coro<int> work(event_log& ev, weft::duration delay) {
  co_await weft::sleep(delay);
  ev(task_name() + " finishes");
  co_return static_cast<int>(delay / std::chrono::seconds(1));
}

weft::coro<void> await_all(event_log& ev, std::vector<weft::task<void>>& tasks, std::vector<std::string> names) {
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    bool cancelled = false;
    try {
      co_await tasks[i];
    } catch (const weft::cancelled_error&) {
      cancelled = true;
    }
    ev(names.at(i) + (cancelled ? " was cancelled" : " finished"));
  }
}

weft::coro<void> await_all(event_log& ev, std::vector<weft::task<void>>& tasks, std::string prefix) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < tasks.size(); ++i) names.push_back(prefix + std::to_string(i));
  co_await await_all(ev, tasks, std::move(names));
}

std::vector<std::string> reference_lines(const std::string& name) {
  std::ifstream in(std::string(WEFT_REFERENCE_DIR) + "/" + name + ".out");
  if (!in) {
    ADD_FAILURE() << "no reference output tests/reference/" << name
                  << ".out: write " << name << ".py and run tests/reference/record.py";
    return {};
  }
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

void expect_lines(std::string_view what, const std::vector<std::string>& want, const std::vector<std::string>& got) {
  if (want == got) return;
  std::ostringstream diff;
  diff << what << " differs from CPython's (- CPython, + weft):\n";
  for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    const std::string* w = i < want.size() ? &want[i] : nullptr;
    const std::string* g = i < got.size() ? &got[i] : nullptr;
    if (w && g && *w == *g) {
      diff << "    " << *w << "\n";
      continue;
    }
    if (w) diff << "  - " << *w << "\n";
    if (g) diff << "  + " << *g << "\n";
  }
  ADD_FAILURE() << diff.str();
}

void expect_reference(const std::string& name, const event_log& log) {
  expect_lines("weft's log for tests/reference/" + name + ".py", reference_lines(name), log.lines());
}

std::string exception_text(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const weft::cancelled_error& c) {
    return c.message() ? "CancelledError(" + *c.message() + ")" : "CancelledError()";
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown";
  }
}

}  // namespace weft_test
