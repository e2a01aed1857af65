// The `weft` command: runs and explores scenario files (docs/scenario-format.md).
//
//   weft trace FILE...                print each scenario's canonical trace (FIFO)
//   weft check FILE...                validate only
//   weft explore FILE... [options]    run each under many schedules, report races
//   weft replay FILE --schedule TOKEN replay one schedule [--timeline OUT.json] [--html OUT.html]
//
// Exit codes: 0 ran and nothing failed, 1 an exploration found a failure (or
// a replayed run failed), 2 bad input or usage (including a program that hits
// the step limit under trace, and a token that does not fit).

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <weft/diagnostics.hpp>

#include "weft/scenario/interpreter.hpp"
#include "weft/scenario/parse.hpp"
#include "weft/sim/explore.hpp"
#include "weft/sim/replay.hpp"
#include "weft/sim/report_format.hpp"
#include "weft/sim/shrink.hpp"
#include "weft/sim/sim_scheduler.hpp"
#include "weft/sim/timeline.hpp"
#include <weft/scenario/sim_program.hpp>

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_bad_input = 2;

using weft::scenario::ending;

/// `s` as a decimal number that fits 64 bits: digits only (no sign, no
/// space, no base prefix), no overflow.
std::optional<std::uint64_t> decimal_u64(std::string_view s) {
  std::uint64_t v = 0;
  if (s.empty() || s.size() > 20 || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

/// CLI11 check of a 64-bit count or seed (CLI11's own conversion wraps -1).
const CLI::Validator decimal_u64_check(
    [](std::string& s) { return decimal_u64(s) ? std::string() : "not a decimal number from 0 to 2^64-1: " + s; },
    "UINT64");

/// CLI11 check of a scenario file: it exists and is a regular file (a FIFO
/// or a device would block or never end).
const CLI::Validator scenario_file_check(
    [](std::string& s) -> std::string {
      std::error_code ec;
      const auto st = std::filesystem::status(s, ec);
      if (!std::filesystem::exists(st)) return "File does not exist: " + s;
      if (!std::filesystem::is_regular_file(st)) return "not a regular file: " + s;
      return {};
    },
    "FILE");

int check(const std::vector<std::string>& files) {
  int rc = exit_ok;
  for (const auto& file : files) {
    try {
      auto prog = weft::scenario::parse_file(file);
      fmt::print("{}: ok ({} statements)\n", file, prog.statement_count);
    } catch (const weft::scenario::bad_input& e) {
      fmt::print(stderr, "{}\n", e.what());
      rc = exit_bad_input;
    }
  }
  return rc;
}

int trace(const std::vector<std::string>& files) {
  int rc = exit_ok;
  for (const auto& file : files) {
    if (files.size() > 1) fmt::print("== {}\n", file);
    try {
      auto result = weft::scenario::run(weft::scenario::parse_file(file));
      for (const auto& line : result.trace) fmt::print("{}\n", line);
      if (result.end == ending::step_limit) {
        std::fflush(stdout);
        fmt::print(stderr, "{}: the run reached the step limit ({} statements): the program does not end\n", file,
                   weft::scenario::limits{}.max_steps);
        rc = exit_bad_input;
      }
    } catch (const weft::scenario::bad_input& e) {
      std::fflush(stdout);
      fmt::print(stderr, "{}\n", e.what());
      rc = exit_bad_input;
    }
  }
  return rc;
}

struct explore_args {
  std::string strategy = "random";
  std::uint64_t runs = 1000;
  std::uint64_t seed = 0;
  unsigned depth = 3;
  std::uint64_t max_delays = 2;
  std::vector<std::string> faults;
  std::uint32_t jitter = 1;
  bool swarm = false, check_determinism = false, json = false, stats = false;
  weft::scenario::failure_options failures;
  unsigned jobs = 1;
  std::string shard;
};

int explore(const std::vector<std::string>& files, const explore_args& a) {
  weft::sim::explore_options o;
  o.strategy = *weft::sim::strategy_from_name(a.strategy);  // CLI11 checked the name
  o.runs = a.runs;
  o.seed = a.seed;
  o.depth = a.depth;
  o.max_delays = a.max_delays;
  for (const auto& f : a.faults) {
    if (f == "cancel") o.faults.cancel = true;
    if (f == "jitter") o.faults.jitter = true;
  }
  o.faults.jitter_ticks = a.jitter;
  o.faults.tick = weft::scenario::tick;
  o.faults.swarm = a.swarm;
  o.check_determinism = a.check_determinism;
  o.jobs = a.jobs;
  if (!a.shard.empty()) {
    const std::string_view shard = a.shard;
    const auto slash = shard.find('/');
    const auto index = decimal_u64(shard.substr(0, slash));
    const auto count = decimal_u64(slash == std::string_view::npos ? std::string_view() : shard.substr(slash + 1));
    if (!index || !count || *index >= *count) {
      fmt::print(stderr, "--shard must be I/N with 0 <= I < N, e.g. 0/4 (got '{}')\n", a.shard);
      return exit_bad_input;
    }
    o.shard_index = *index;
    o.shard_count = *count;
  }
  const bool tty = !a.json && isatty(STDERR_FILENO);
  int rc = exit_ok;
  // Reports and their subjects, kept for --json (printed once, at the end).
  std::vector<std::pair<weft::sim::report, weft::sim::report_subject>> done;
  for (const auto& file : files) {
    weft::scenario::program prog;
    try {
      prog = weft::scenario::parse_file(file);
    } catch (const weft::scenario::bad_input& e) {
      fmt::print(stderr, "{}\n", e.what());
      rc = exit_bad_input;
      continue;
    }
    // A program whose FIFO run does not end (or hits a limit) would do so in
    // most schedules: say it once rather than run it thousands of times.
    try {
      if (weft::scenario::run(prog).end == ending::step_limit) {
        fmt::print(stderr, "{}: the FIFO run reached the step limit ({} statements): the program does not end; not exploring it\n",
                   file, weft::scenario::limits{}.max_steps);
        rc = exit_bad_input;
        continue;
      }
    } catch (const weft::scenario::bad_input& e) {
      fmt::print(stderr, "{}\n", e.what());
      rc = exit_bad_input;
      continue;
    }
    auto start = std::chrono::steady_clock::now();
    if (tty)
      o.progress = [&](std::uint64_t runs, std::uint64_t failures) {
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        double rate = secs > 0 ? static_cast<double>(runs) / secs : 0;
        double eta = rate > 0 ? static_cast<double>(o.runs - std::min(runs, o.runs)) / rate : 0;
        fmt::print(stderr, "\r{}: {}/{} runs, {:.0f} runs/s, {} failing, ETA {:.0f} s   ", file, runs, o.runs, rate, failures, eta);
      };
    weft::sim::report rep;
    try {
      rep = weft::sim::explore(weft::scenario::sim_program(prog, a.failures), o);
    } catch (const weft::scenario::bad_input& e) {
      if (tty) fmt::print(stderr, "\n");
      fmt::print(stderr, "{}\n", e.what());
      rc = exit_bad_input;
      continue;
    }
    if (tty) fmt::print(stderr, "\r\033[K");
    if (rep.failures || !rep.nondeterminism.empty()) rc = std::max(rc, exit_failed);
    weft::sim::report_subject about{file, o, [&file, &a](const std::string& token) {
      return fmt::format("weft replay {}{} --schedule {}", file, a.failures.fail_on_unretrieved ? " --fail-on-unretrieved" : "", token);
    }, std::nullopt};
    if (a.stats) about.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (a.json)
      done.emplace_back(std::move(rep), std::move(about));
    else
      fmt::print("{}", weft::sim::format_text(rep, about));
  }
  if (a.json) {
    std::vector<weft::sim::subject_report> reports;
    for (const auto& [rep, about] : done) reports.push_back({rep, about});
    fmt::print("{}\n", weft::sim::format_json(reports));
  }
  return rc;
}

/// Writes `text` to `path`; false (with a message naming `option`) if it cannot.
bool write_file(const std::string& path, const std::string& text, const char* option) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.flush();
  if (!f) fmt::print(stderr, "{}: cannot write {}\n", option, path);
  return static_cast<bool>(f);
}

/// `weft replay --timeline/--html`: the replayed run recorded step by step.
/// The timeline is the run as given; the HTML report is about its failure,
/// so it shows the run shrunk (as explore prints it) when shrinking helps.
int write_pictures(const std::string& file, const std::string& token, const weft::scenario::program& prog,
                   const weft::sim::schedule& given, const weft::sim::run_result& out,
                   weft::scenario::failure_options failures, const std::string& timeline, const std::string& html) {
  const auto plain = weft::scenario::sim_program(prog, failures);
  const weft::sim::observed_program observed = [&prog, failures](weft::scheduler& s, const std::function<void(const std::string&)>& on_line) {
    return weft::scenario::sim_program(prog, failures, on_line)(s);
  };
  const weft::sim::timeline_format format{file, weft::scenario::tick};
  auto command = [&](const std::string& t) {
    return fmt::format("weft replay {}{} --schedule {}", file, failures.fail_on_unretrieved ? " --fail-on-unretrieved" : "", t);
  };
  // Records a run and, if it failed, names its race (the deviations whose flip back to FIFO changes the ending).
  auto record = [&](const weft::sim::schedule& s) {
    std::string mismatch;
    weft::sim::timeline t = weft::sim::record_timeline(observed, s, mismatch, weft::scenario::tick);
    if (t.result.failed)
      weft::sim::mark_race(t, weft::sim::name_race(plain, t.decisions, *t.result.failed, weft::scenario::tick));
    return t;
  };
  try {
    const weft::sim::timeline as_given = record(given);
    if (as_given.result.trace != out.trace) {
      fmt::print(stderr, "{}: the recorded run differs from the replayed one (nondeterminism?)\n", file);
      return exit_bad_input;
    }
    if (!timeline.empty() && !write_file(timeline, weft::sim::chrome_trace(as_given, format), "--timeline"))
      return exit_bad_input;
    if (html.empty()) return exit_ok;
    weft::sim::html_report report{command(token), {}, false};
    if (!out.failed) return write_file(html, weft::sim::html_page(as_given, format, report), "--html") ? exit_ok : exit_bad_input;
    const weft::sim::recorded_run shrunk = weft::sim::shrink(plain, as_given.decisions, *out.failed, weft::scenario::tick);
    const std::string shrunk_token = weft::sim::encode_token(shrunk.decisions);
    report.shrunk = true;
    if (shrunk_token == token || shrunk.decisions.deviations() >= given.deviations()) {
      return write_file(html, weft::sim::html_page(as_given, format, report), "--html") ? exit_ok : exit_bad_input;
    }
    report.replay_command = command(shrunk_token);
    report.notes.push_back(fmt::format("shrunk from {} deviation(s) of the token as given: {}", given.deviations(), command(token)));
    return write_file(html, weft::sim::html_page(record(shrunk.decisions), format, report), "--html") ? exit_ok : exit_bad_input;
  } catch (const weft::scenario::bad_input& e) {
    fmt::print(stderr, "{}\n", e.what());
    return exit_bad_input;
  }
}

/// `weft replay --reads-from`: the replayed run's reads-from pairs, each read
/// with the write it observed (interleaving coverage, docs/simulator.md).
void print_reads_from(const weft::scenario::program& prog, const weft::sim::schedule& s,
                      weft::scenario::failure_options failures) {
  weft::sim::replay strat(s);
  weft::sim::sim_scheduler sched(strat, weft::sim::replay_faults(s, weft::scenario::tick));
  sched.record_coverage(true);
  weft::scenario::sim_program(prog, failures)(sched);
  fmt::print("reads-from ({} reads of shared state):\n", sched.reads_from().size());
  for (const auto& p : sched.reads_from()) fmt::print("  {} read what {} wrote\n", p.read, p.write);
}

int replay(const std::string& file, const std::string& token, bool verbose, bool reads_from, const std::string& timeline,
           const std::string& html, weft::scenario::failure_options failures) {
  weft::scenario::program prog;
  try {
    prog = weft::scenario::parse_file(file);
  } catch (const weft::scenario::bad_input& e) {
    fmt::print(stderr, "{}\n", e.what());
    return exit_bad_input;
  }
  std::string error;
  auto s = weft::sim::decode_token(token, error);
  if (!s) {
    fmt::print(stderr, "{}: --schedule: {}\n", file, error);
    return exit_bad_input;
  }
  std::string mismatch;
  weft::sim::schedule recorded;
  weft::sim::run_result out;
  try {
    out = weft::sim::replay_run(weft::scenario::sim_program(prog, failures), *s, mismatch, &recorded, weft::scenario::tick);
  } catch (const weft::scenario::bad_input& e) {
    fmt::print(stderr, "{}\n", e.what());
    return exit_bad_input;
  }
  if (!mismatch.empty()) {
    fmt::print(stderr, "{}: the schedule token does not fit this program: {}\n", file, mismatch);
    return exit_bad_input;
  }
  for (const auto& l : out.trace) fmt::print("{}\n", l);
  if (verbose) {
    fmt::print("decisions ({} taken, {} away from FIFO):\n", recorded.decisions.size(), recorded.deviations());
    for (std::size_t i = 0; i < recorded.decisions.size(); ++i) {
      const auto& d = recorded.decisions[i];
      if (d.choice) fmt::print("  #{} at t={}: {}\n", i, d.at / weft::scenario::tick, weft::sim::describe(d));
    }
  }
  if (reads_from) print_reads_from(prog, *s, failures);
  if (!timeline.empty() || !html.empty()) {
    const int rc = write_pictures(file, token, prog, *s, out, failures, timeline, html);
    if (rc != exit_ok) return rc;
  }
  if (out.failed) {
    std::fflush(stdout);
    fmt::print(stderr, "{}: the run fails: {}\n", file, out.failed->message());
    return exit_failed;
  }
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  // A scenario's coroutines that never ran are not the user's concern.
  weft::set_warning_handler([](std::string_view) noexcept {});
  const std::vector<std::string> subcommands{"trace", "check", "explore", "replay"};
  if (argc > 1 && argv[1][0] != '-' &&
      std::find(subcommands.begin(), subcommands.end(), argv[1]) == subcommands.end()) {
    fmt::print(stderr, "weft: unknown subcommand '{}' (expected trace, check, explore or replay; see weft --help)\n",
               argv[1]);
    return exit_bad_input;
  }
  CLI::App app{"weft: run and explore asyncio scenarios on weft's runtime (scenario format: docs/scenario-format.md)", "weft"};
  app.require_subcommand(1);
  app.footer(fmt::format(
      "Exit status: 0 ran and nothing failed; 1 a run failed (explore, replay); 2 bad input or usage, or a limit "
      "reached.\n"
      "Limits of a run (docs/scenario-format.md, Limits), each exit 2 when reached: {} statements (the step limit; under "
      "explore, a failing run unless the FIFO run reaches it); "
      "{} coroutine bodies alive at once; 64 MiB of strings built by add; 1 MiB to render one value; 1,000,000 "
      "elements per comparison; 64 MiB of trace; the heap at 1 GiB or half of ulimit -v.",
      weft::scenario::limits{}.max_steps, weft::scenario::run_options{}.max_live_calls));
  std::vector<std::string> files;

  auto* trace_cmd = app.add_subcommand("trace", "Run each scenario (FIFO) and print its canonical trace");
  trace_cmd->add_option("FILE", files, "Scenario files (JSON)")->required()->check(scenario_file_check);
  auto* check_cmd = app.add_subcommand("check", "Validate each scenario without running it");
  check_cmd->add_option("FILE", files, "Scenario files (JSON)")->required()->check(scenario_file_check);

  explore_args ea;
  auto* explore_cmd = app.add_subcommand("explore", "Run each scenario under many schedules; report and shrink failures");
  explore_cmd->add_option("FILE", files, "Scenario files (JSON)")->required()->check(scenario_file_check);
  explore_cmd->add_option("--strategy", ea.strategy, "random, pct, dfs (delay-bounded) or coverage (coverage-guided)")
      ->check(CLI::IsMember({"random", "pct", "dfs", "coverage"}))
      ->capture_default_str();
  explore_cmd->add_option("--runs", ea.runs, "Schedules to run (dfs: at most)")->check(decimal_u64_check)->check(CLI::Range(1, 100000000))->capture_default_str();
  explore_cmd->add_option("--seed", ea.seed, "Seed of random, pct and coverage")->check(decimal_u64_check)->capture_default_str();
  explore_cmd->add_option("--depth", ea.depth, "pct: bug depth d")->check(decimal_u64_check)->check(CLI::Range(1, 64))->capture_default_str();
  explore_cmd->add_option("--max-delays", ea.max_delays, "dfs: delay bound K")->check(decimal_u64_check)->check(CLI::Range(0, 1000))->capture_default_str();
  explore_cmd->add_option("--faults", ea.faults, "Faults to inject: cancel, jitter")
      ->delimiter(',')
      ->check(CLI::IsMember({"cancel", "jitter"}));
  explore_cmd->add_option("--jitter", ea.jitter, "Timer lateness bound in ticks (with --faults jitter)")
      ->check(decimal_u64_check)
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  explore_cmd->add_flag("--swarm", ea.swarm, "Each run enables a seed-chosen subset of fault sites");
  explore_cmd->add_flag("--check-determinism", ea.check_determinism, "Run failures and a sample twice and compare");
  explore_cmd->add_option("--jobs", ea.jobs, "Threads (results do not depend on it)")->check(decimal_u64_check)->check(CLI::Range(1, 256))->capture_default_str();
  explore_cmd->add_option("--shard", ea.shard, "Run shard I of N of the run indices (I/N)");
  explore_cmd->add_flag("--json", ea.json, "Print the report as JSON");
  explore_cmd->add_flag("--stats", ea.stats, "Also print timings");
  const char* unretrieved_help = "Fail a run in which a task ends with an exception nobody retrieved";
  explore_cmd->add_flag("--fail-on-unretrieved", ea.failures.fail_on_unretrieved, unretrieved_help);

  std::string file, token, timeline, html;
  bool verbose = false, reads_from = false;
  weft::scenario::failure_options replay_failures;
  auto* replay_cmd = app.add_subcommand("replay", "Replay one schedule of a scenario and print its trace");
  replay_cmd->add_option("FILE", file, "Scenario file (JSON)")->required()->check(scenario_file_check);
  replay_cmd->add_option("--schedule", token, "Schedule token (from weft explore)")->required();
  replay_cmd->add_flag("--verbose", verbose, "Show each decision that differs from FIFO");
  replay_cmd->add_flag("--reads-from", reads_from,
                       "Show each read of shared state (a global, a primitive) with the write it observed");
  replay_cmd->add_flag("--fail-on-unretrieved", replay_failures.fail_on_unretrieved, unretrieved_help);
  replay_cmd->add_option("--timeline", timeline,
                         "Write the run as Chrome trace-event JSON (Perfetto, chrome://tracing): a lane per task, "
                         "every step, what woke it, the failure");
  replay_cmd->add_option("--html", html,
                         "Write a self-contained HTML report of the run: the race, the lanes, the shrunk trace, "
                         "the replay command");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and the usage
    return exit_bad_input;
  }
  const int rc = trace_cmd->parsed()     ? trace(files)
                 : check_cmd->parsed()   ? check(files)
                 : explore_cmd->parsed() ? explore(files, ea)
                                         : replay(file, token, verbose, reads_from, timeline, html, replay_failures);
  // Output that did not reach its destination (a full disk, a closed pipe) is an error.
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    fmt::print(stderr, "weft: cannot write the output: {}\n", std::strerror(errno));
    return exit_bad_input;
  }
  return rc;
}
