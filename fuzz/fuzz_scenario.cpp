// fuzz_scenario: the bytes become a well-formed scenario (a few coroutines
// that spawn, await, sleep, gather, cancel, and use an event, a lock, a
// semaphore and a queue) and a schedule for it. Checked:
// - the production loop (weft::scenario::run, FIFO) and the simulator under
//   the FIFO strategy give the same trace: the seams change nothing;
// - under the fuzzed schedule the run ends with a trace, or with a documented
//   limit ("limit reached" bad input);
// - the run's recorded schedule replays to the same trace, by position and
//   (when tasks have names of their own) as a token, by identity.
// The generator never reads an unset variable, never builds a cycle of awaits
// (coroutine i only calls, gathers or spawns coroutines above i) and has no
// loops, so any other bad input is a bug in the generator, and is reported too.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>
#include <nlohmann/json.hpp>

#include <weft/scenario/interpreter.hpp>
#include <weft/scenario/parse.hpp>
#include <weft/scenario/sim_program.hpp>
#include <weft/sim/fuzz.hpp>
#include <weft/sim/schedule.hpp>

namespace {

using json = nlohmann::json;

constexpr int max_coros = 4;        // w0..w3 besides main
constexpr int max_statements = 6;   // per body
constexpr int max_main_tasks = 4;   // t0..t3

struct generator {
  FuzzedDataProvider& in;
  int coros = 1;

  int pick(int n) { return in.ConsumeIntegralInRange<int>(0, n - 1); }
  int ticks() { return in.ConsumeIntegralInRange<int>(0, 3); }
  std::string coro_name(int i) { return "w" + std::to_string(i); }
  // A coroutine that body `self` may call: one above it (main is -1).
  int callee(int self) { return self + 1 + pick(coros - self - 1); }
  json awaitable_coro(int self) { return {{"coro", coro_name(callee(self))}}; }

  // One statement of coroutine `self` (< coros - 1 may call others); `depth`
  // bounds the nesting of try, timeout and taskgroup bodies.
  json worker_statement(int self, int depth) {
    const bool can_call = self + 1 < coros;
    switch (pick(22)) {
      case 0: return {{"op", "sleep"}, {"d", ticks()}};
      case 1: return {{"op", "log"}, {"msg", "n={n} v={.v}"}};
      case 2: return {{"op", "add"}, {"var", "n"}, {"value", 1}};
      case 3: return {{"op", "set"}, {"var", "n"}, {"value", "$.v"}};
      case 4: return {{"op", "set"}, {"var", ".v"}, {"value", "$n"}};
      case 5: return {{"op", "event_wait"}, {"var", "ev"}};
      case 6: return {{"op", in.ConsumeBool() ? "event_set" : "event_clear"}, {"var", "ev"}};
      case 7: return {{"op", "acquire"}, {"var", in.ConsumeBool() ? "lk" : "sem"}};
      case 8: return {{"op", "release"}, {"var", in.ConsumeBool() ? "lk" : "sem"}};
      case 9: return {{"op", "put"}, {"var", "q"}, {"value", "$n"}, {"nowait", in.ConsumeBool()}};
      case 10: return {{"op", "get"}, {"var", "q"}, {"into", ".v"}, {"nowait", in.ConsumeBool()}};
      case 11: return {{"op", "task_done"}, {"var", "q"}};
      case 12: return {{"op", "cancelling"}};
      case 13: return {{"op", "raise"}, {"exc", "Oops"}, {"msg", coro_name(self)}};
      case 14:
        if (can_call) return {{"op", "await"}, {"aw", awaitable_coro(self)}, {"into", ".r"}};
        return {{"op", "sleep"}, {"d", 0}};
      case 15:
        if (can_call) {
          json items = json::array();
          for (int i = 0, n = 1 + pick(3); i < n; ++i) items.push_back(awaitable_coro(self));
          return {{"op", "gather"}, {"items", items}, {"return_exceptions", in.ConsumeBool()}, {"into", ".r"}};
        }
        return {{"op", "locked"}, {"var", "lk"}};
      case 16:
        if (can_call)
          return {{"op", "wait_for"}, {"aw", awaitable_coro(self)},
                  {"timeout", in.ConsumeBool() ? json(nullptr) : json(ticks())}, {"into", ".r"}};
        return {{"op", "sleep"}, {"d", 1}};
      case 17:
        if (can_call) return {{"op", "shield"}, {"aw", awaitable_coro(self)}, {"into", ".r"}};
        return {{"op", "cancelling"}};
      case 18:
        if (depth > 0)
          return {{"op", "try"},
                  {"body", body(self, depth - 1)},
                  {"handlers", json::array({{{"exc", in.ConsumeBool() ? "Exception" : "Oops"},
                                             {"as", ".e"},
                                             {"body", json::array({{{"op", "log"}, {"msg", "caught {.e}"}}})}}})},
                  {"finally", json::array({{{"op", "log"}, {"msg", "finally"}}})}};
        return {{"op", "sleep"}, {"d", 0}};
      case 19:
        if (depth > 0) return {{"op", "timeout"}, {"d", ticks()}, {"body", body(self, depth - 1)}};
        return {{"op", "uncancel"}, {"into", ".u"}};
      case 20:
        if (can_call && depth > 0) {
          json inner = json::array();
          for (int i = 0, n = 1 + pick(2); i < n; ++i)
            inner.push_back({{"op", "spawn"}, {"var", ".c"}, {"name", "g"}, {"coro", coro_name(callee(self))},
                             {"group", ".g"}});
          inner.push_back({{"op", "sleep"}, {"d", ticks()}});
          return {{"op", "taskgroup"}, {"as", ".g"}, {"body", inner}};
        }
        return {{"op", "sleep"}, {"d", 2}};
      default:
        if (can_call) {
          // A child of this body, awaited at once or left to main's shutdown.
          json spawn = {{"op", "spawn"}, {"var", ".t"}, {"name", "c" + std::to_string(self)},
                        {"coro", coro_name(callee(self))}, {"eager", in.ConsumeBool()}};
          if (in.ConsumeBool()) return spawn;
          return {{"op", "try"},
                  {"body", json::array({spawn, {{"op", "await"}, {"aw", {{"task", ".t"}}}}})},
                  {"handlers", json::array({{{"exc", "BaseException"}, {"body", json::array({{{"op", "log"}, {"msg", "child failed"}}})}}})}};
        }
        return {{"op", "return"}, {"value", "$n"}};
    }
  }

  json body(int self, int depth) {
    json b = json::array();
    for (int i = 0, n = 1 + pick(max_statements); i < n; ++i) b.push_back(worker_statement(self, depth));
    return b;
  }

  json main_body() {
    json b = json::array({
        {{"op", "set"}, {"var", "n"}, {"value", 0}},
        {{"op", "event"}, {"var", "ev"}},
        {{"op", "lock"}, {"var", "lk"}},
        {{"op", "semaphore"}, {"var", "sem"}, {"value", 1 + pick(2)}},
        {{"op", "queue"}, {"var", "q"}, {"maxsize", pick(3)}, {"kind", in.ConsumeBool() ? "fifo" : "lifo"}},
    });
    if (in.ConsumeBool()) b.push_back({{"op", "eager_factory"}});
    int tasks = 0;
    auto task_var = [&] { return "t" + std::to_string(pick(tasks)); };
    for (int i = 0, n = 2 + pick(max_statements); i < n; ++i) {
      switch (pick(10)) {
        case 0:
        case 1:
          if (tasks < max_main_tasks) {
            const std::string var = "t" + std::to_string(tasks++);
            b.push_back({{"op", "spawn"}, {"var", var}, {"coro", coro_name(pick(coros))}, {"eager", in.ConsumeBool()}});
            break;
          }
          [[fallthrough]];
        case 2:
          if (tasks > 0) {
            b.push_back({{"op", "await"}, {"aw", {{"task", task_var()}}}, {"into", ".r"}});
            break;
          }
          [[fallthrough]];
        case 3:
          if (tasks > 0) {
            b.push_back({{"op", "cancel"}, {"var", task_var()}, {"msg", in.ConsumeBool() ? json("stop") : json(nullptr)}});
            break;
          }
          [[fallthrough]];
        case 4:
          if (tasks > 0) {
            json items = json::array();
            for (int k = 0, m = 1 + pick(tasks); k < m; ++k) items.push_back({{"task", task_var()}});
            static const char* const when[] = {"FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"};
            b.push_back({{"op", "wait"}, {"items", items}, {"return_when", when[pick(3)]},
                         {"timeout", in.ConsumeBool() ? json(nullptr) : json(ticks())}, {"into", ".r"}});
            b.push_back({{"op", "log"}, {"msg", "wait {.r}"}});
            break;
          }
          [[fallthrough]];
        case 5:
          if (tasks > 0) {
            b.push_back({{"op", "state"}, {"var", task_var()}});
            break;
          }
          [[fallthrough]];
        case 6: {
          json items = json::array();
          for (int k = 0, m = 1 + pick(3); k < m; ++k)
            items.push_back(tasks > 0 && in.ConsumeBool() ? json{{"task", task_var()}} : awaitable_coro(-1));
          b.push_back({{"op", "gather"}, {"items", items}, {"return_exceptions", in.ConsumeBool()}, {"into", ".r"}});
          b.push_back({{"op", "log"}, {"msg", "gathered {.r}"}});
          break;
        }
        case 7: b.push_back({{"op", "put"}, {"var", "q"}, {"value", pick(5)}, {"nowait", in.ConsumeBool()}}); break;
        case 8: b.push_back({{"op", "event_set"}, {"var", "ev"}}); break;
        default: b.push_back({{"op", "sleep"}, {"d", ticks()}}); break;
      }
    }
    b.push_back({{"op", "log"}, {"msg", "end n={n}"}});
    return b;
  }

  json scenario() {
    coros = 1 + pick(max_coros);
    json c = json::object();
    // Every body starts by setting its local .v, which later statements read.
    for (int i = 0; i < coros; ++i) {
      json b = json::array({{{"op", "set"}, {"var", ".v"}, {"value", "$n"}}});
      for (auto& s : body(i, 1)) b.push_back(std::move(s));
      c[coro_name(i)] = std::move(b);
    }
    // A main body that may raise its own exceptions is enough of a try test:
    // the worker bodies' handlers read .e, which is set only where it is caught.
    c["main"] = main_body();
    return {{"version", 1}, {"coros", c}};
  }
};

[[noreturn]] void finding(const char* what, const std::string& text, const std::string& detail) {
  std::fprintf(stderr, "fuzz_scenario: %s\n%s\n--- scenario ---\n%s\n", what, detail.c_str(), text.c_str());
  std::abort();
}

std::string lines(const std::vector<std::string>& trace) {
  std::string out;
  for (const auto& l : trace) out += "  " + l + "\n";
  return out;
}

// Whether a completed run's spawned tasks ("= NAME STATE" lines) all have
// names of their own; false when the run did not complete (no such lines).
bool names_unique(const std::vector<std::string>& trace) {
  std::set<std::string> seen;
  bool completed = false;
  for (const auto& l : trace) {
    if (l.rfind("= main ", 0) == 0) {
      completed = true;
    } else if (completed && l.rfind("= ", 0) == 0) {
      if (!seen.insert(l.substr(2, l.find(' ', 2) - 2)).second) return false;
    }
  }
  return completed;
}

bool is_limit(const weft::scenario::bad_input& e) { return e.problem().rfind("limit reached", 0) == 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  generator gen{in};
  const std::string text = gen.scenario().dump(1);
  // To see what an input (a crash file, a corpus file) generates.
  if (std::getenv("WEFT_FUZZ_PRINT")) std::fprintf(stderr, "%s\n", text.c_str());
  // What the generator did not consume is the schedule.
  const std::vector<std::uint8_t> rest = in.ConsumeRemainingBytes<std::uint8_t>();

  weft::scenario::program prog;
  try {
    prog = weft::scenario::parse(text, "generated.json");
  } catch (const weft::scenario::bad_input& e) {
    finding("the generator wrote bad input", text, e.what());
  }

  // The production loop's FIFO run: the reference for the simulator's.
  weft::scenario::execution fifo;
  try {
    fifo = weft::scenario::run(prog);
  } catch (const weft::scenario::bad_input& e) {
    if (is_limit(e)) return 0;
    finding("bad input while running a generated scenario", text, e.what());
  }

  const weft::sim::program sim = weft::scenario::sim_program(prog);
  try {
    weft::sim::fifo first;
    const auto simulated = weft::sim::run_once(sim, first);
    if (simulated.result.trace != fifo.trace)
      finding("the simulator's FIFO run differs from the production loop's", text,
              "production:\n" + lines(fifo.trace) + "simulator (fifo):\n" + lines(simulated.result.trace));
    if (simulated.decisions.deviations() != 0) finding("a FIFO run recorded deviations", text, "");

    FuzzedDataProvider decisions(rest.data(), rest.size());
    weft::sim::fault_options faults;
    faults.cancel = !rest.empty() && rest[0] % 2 == 1;
    faults.tick = weft::scenario::tick;
    const auto fuzzed = weft::sim::fuzz_run(sim, decisions, faults);
    if (fuzzed.result.trace.empty()) finding("a run ended without a trace", text, "");

    // The recorded decisions, replayed by position, must give the same run.
    const auto by_position = weft::sim::replay_run_by_position(sim, fuzzed.decisions, weft::scenario::tick);
    if (by_position.result.trace != fuzzed.result.trace)
      finding("a schedule replayed by position gave another trace", text,
              "run:\n" + lines(fuzzed.result.trace) + "replay:\n" + lines(by_position.result.trace));

    // So must its token, replayed by identity. Known exception, reported and
    // not fixed here: when tasks share a name (a body spawning a named task
    // runs twice), replay by identity can lose its way (weft explore
    // --check-determinism then reports runs that did not repeat themselves).
    if (!names_unique(fuzzed.result.trace)) return 0;
    const std::string token = weft::sim::encode_token(fuzzed.decisions);
    std::string error, mismatch;
    const auto decoded = weft::sim::decode_token(token, error);
    if (!decoded) finding("a recorded schedule's token does not decode", text, token + ": " + error);
    const auto again = weft::sim::replay_run(sim, *decoded, mismatch, nullptr, weft::scenario::tick);
    if (!mismatch.empty()) finding("a recorded schedule does not fit its own program", text, token + ": " + mismatch);
    if (again.trace != fuzzed.result.trace)
      finding("a replayed schedule gave another trace", text,
              "token " + token + "\nrun:\n" + lines(fuzzed.result.trace) + "replay:\n" + lines(again.trace));
  } catch (const weft::scenario::bad_input& e) {
    // Another schedule may build more (more live coroutines, say) than FIFO did.
    if (is_limit(e)) return 0;
    finding("bad input while running a generated scenario under the simulator", text, e.what());
  }
  return 0;
}
