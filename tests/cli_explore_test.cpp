// `weft explore` and `weft replay` (tools/weft_main.cpp), run as a user runs them:
//   weft explore FILE... [--strategy random|pct|dfs|coverage] [--runs N] [--seed S] [--depth D]
//                [--max-delays K] [--faults cancel,jitter] [--jitter TICKS] [--swarm]
//                [--check-determinism] [--fail-on-unretrieved] [--jobs N] [--shard I/N] [--json] [--stats]
//   weft replay FILE --schedule TOKEN [--fail-on-unretrieved] [--verbose] [--reads-from] [--timeline OUT.json] [--html OUT.html]
// Exit status: 0 nothing failed, 1 a failure was found (or the replayed run
// fails), 2 bad input or usage (a token that does not fit included).
//
// The scenarios are the bundled ones (examples/scenarios/); what each must do
// under FIFO is what CPython prints for it (checked with conformance/oracle.py
// when they were written).

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.hpp"

#ifndef WEFT_SCENARIOS_DIR
#define WEFT_SCENARIOS_DIR WEFT_CONFORMANCE_DIR "/../examples/scenarios"
#endif

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using weft_test::cli_result;
using weft_test::quoted;
using weft_test::read_bytes;
using weft_test::show;

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// A bundled scenario's path, normalised (it is printed back in replay lines).
std::string scenario(const std::string& name) {
  return fs::weakly_canonical(fs::path(WEFT_SCENARIOS_DIR) / (name + ".json")).string();
}

/// A race and the random exploration that finds it: the old races within 2000 runs
/// of seed 1; the hard ones (about 1 run in 1,000 fails) with a seed whose first
/// failure comes early (measured: bench/strategies/run.py, run + 1 in brackets).
struct race_file {
  const char* name;
  const char* seed;
  const char* runs;
};
const race_file race_files[] = {{"lost_update", "1", "2000"},
                                {"check_then_act", "1", "2000"},
                                {"equal_deadline_timers", "1", "2000"},
                                {"lock_fairness", "1", "2000"},
                                {"taskgroup_cancel_order", "1", "2000"},
                                {"queue_consumer_order", "1", "2000"},
                                {"watchdog_three_strikes", "1", "2000"},
                                {"draft_through_five_relays", "18", "200"},     // (46)
                                {"failure_detector_same_period", "6", "300"},   // (123)
                                {"old_worker_rejects_invoices", "7", "200"},    // (58)
                                {"lock_handoff_empty_batches", "14", "200"},    // (20)
                                {"spinlock_check_then_act", "16", "200"},       // (69)
                                {"pulse_event_missed", "9", "200"}};            // (30)
const char* const correct_files[] = {"counter_with_lock", "reload_with_event", "counter_owned_by_one_task",
                                     "lock_released_in_finally"};

/// What `weft explore` printed about one failure.
struct explored {
  std::string token, replay_line;
  std::vector<std::string> shrunk_trace, race;
  std::string failure;
};

explored parse_explore(const std::string& out) {
  explored e;
  bool in_trace = false, in_race = false;
  for (const auto& l : split_lines(out)) {
    if (l == "  shrunk failing trace:") {
      in_trace = true;
      continue;
    }
    if (l.rfind("  the race ", 0) == 0) {
      in_trace = false;
      in_race = true;
      continue;
    }
    if ((in_trace || in_race) && l.rfind("    ", 0) == 0) {
      (in_trace ? e.shrunk_trace : e.race).push_back(l.substr(4));
      continue;
    }
    in_trace = in_race = false;
    if (l.rfind("  replay: ", 0) == 0) {
      e.replay_line = l.substr(10);
      e.token = l.substr(l.rfind(' ') + 1);
    }
    if (l.rfind("  first failure (run ", 0) == 0) e.failure = l.substr(l.find("): ") + 3);
  }
  return e;
}

class CliExploreTest : public weft_test::cli_fixture {};

// ---- explore: exit codes and the replay line ----

TEST_F(CliExploreTest, ExploreOfARaceExitsOneWithTheReplayLine) {
  for (const auto& [name, seed, runs] : race_files) {
    const std::string f = scenario(name);
    const cli_result r = weft({"explore", f, "--runs", runs, "--seed", seed});
    EXPECT_EQ(r.exit_code, 1) << name << ": " << show(r);
    const explored e = parse_explore(r.out);
    EXPECT_EQ(e.replay_line, "weft replay " + f + " --schedule " + e.token) << name << ": " << show(r);
    EXPECT_EQ(e.token.rfind("w1.", 0), 0u) << name << ": " << show(r);
    EXPECT_FALSE(e.shrunk_trace.empty()) << name << ": " << show(r);
    EXPECT_TRUE(contains(r.out, f + ": " + runs + " schedules explored (random, seed " + seed + "): "))
        << name << ": " << show(r);
    EXPECT_TRUE(contains(r.out, "the race (flipping any of these back to FIFO makes the run pass):")) << name;
  }
}

TEST_F(CliExploreTest, PrintedReplayCommandReplaysTheSameFailingTrace) {
  // The replay line, run as printed (with "weft" being this build's binary).
  for (const auto& [name, seed, runs] : race_files) {
    const std::string f = scenario(name);
    const cli_result r = weft({"explore", f, "--runs", runs, "--seed", seed});
    ASSERT_EQ(r.exit_code, 1) << name << ": " << show(r);
    const explored e = parse_explore(r.out);
    ASSERT_EQ(e.replay_line.rfind("weft replay ", 0), 0u) << show(r);
    const cli_result again = shell(quoted(WEFT_CLI) + e.replay_line.substr(4));
    EXPECT_EQ(again.exit_code, 1) << name << ": " << e.replay_line << "\n" << show(again);
    EXPECT_EQ(split_lines(again.out), e.shrunk_trace) << name << ": " << e.replay_line << "\n" << show(again);
    EXPECT_EQ(again.err, f + ": the run fails: " + e.failure + "\n") << name << ": " << show(again);
  }
}

TEST_F(CliExploreTest, CancellationBugIsFoundOnlyWithInjectedCancels) {
  const std::string f = scenario("cancel_leaks_lock");
  const cli_result plain = weft({"explore", f, "--runs", "500"});
  EXPECT_EQ(plain.exit_code, 0) << show(plain);
  EXPECT_TRUE(contains(plain.out, " 0 failing")) << show(plain);
  const cli_result faults = weft({"explore", f, "--runs", "500", "--faults", "cancel"});
  EXPECT_EQ(faults.exit_code, 1) << show(faults);
  const explored e = parse_explore(faults.out);
  EXPECT_EQ(e.failure.rfind("deadlock: nothing ready, no timer; pending: main at ", 0), 0u) << show(faults);
  EXPECT_TRUE(contains(faults.out, "an injected cancel of ")) << show(faults);
  // Its replay line replays (the token's fault applies even without --faults).
  const cli_result again = shell(quoted(WEFT_CLI) + e.replay_line.substr(4));
  EXPECT_EQ(again.exit_code, 1) << e.replay_line << "\n" << show(again);
  EXPECT_EQ(split_lines(again.out), e.shrunk_trace) << show(again);
  // A deadlock (whichever request was left waiting).
  EXPECT_EQ(again.err.rfind(f + ": the run fails: deadlock: nothing ready, no timer; pending: main at ", 0), 0u)
      << show(again);
}

TEST_F(CliExploreTest, LostTaskExceptionFailsOnlyWithFailOnUnretrieved) {
  // A fire-and-forget worker dies with QueueEmpty under one timer order; no
  // assert fails, so only the opt-in check reports it.
  const std::string f = fs::weakly_canonical(fs::path(WEFT_TESTS_DIR) / "scenarios/fire_and_forget_worker.json").string();
  const cli_result plain = weft({"explore", f, "--runs", "200"});
  EXPECT_EQ(plain.exit_code, 0) << show(plain);
  EXPECT_TRUE(contains(plain.out, ": 2 distinct traces, 0 failing")) << show(plain);
  const cli_result strict = weft({"explore", f, "--runs", "200", "--fail-on-unretrieved"});
  EXPECT_EQ(strict.exit_code, 1) << show(strict);
  const explored e = parse_explore(strict.out);
  EXPECT_EQ(e.failure, "task exception never retrieved: worker raised QueueEmpty") << show(strict);
  EXPECT_EQ(e.replay_line, "weft replay " + f + " --fail-on-unretrieved --schedule " + e.token) << show(strict);
  EXPECT_EQ(e.shrunk_trace.back(), "= worker raised QueueEmpty") << show(strict);
  // The printed line replays the failure; without the flag the same run passes.
  const cli_result again = shell(quoted(WEFT_CLI) + e.replay_line.substr(4));
  EXPECT_EQ(again.exit_code, 1) << e.replay_line << "\n" << show(again);
  EXPECT_EQ(split_lines(again.out), e.shrunk_trace) << show(again);
  const cli_result lenient = weft({"replay", f, "--schedule", e.token});
  EXPECT_EQ(lenient.exit_code, 0) << show(lenient);
  EXPECT_EQ(split_lines(lenient.out), e.shrunk_trace) << show(lenient);
}

TEST_F(CliExploreTest, ExploreOfCorrectFilesExitsZero) {
  for (const char* name : correct_files) {
    const std::string f = scenario(name);
    for (const char* strategy : {"random", "pct", "dfs"}) {
      const cli_result r = weft({"explore", f, "--strategy", strategy, "--runs", "500"});
      EXPECT_EQ(r.exit_code, 0) << name << " " << strategy << ": " << show(r);
      EXPECT_TRUE(contains(r.out, " 0 failing")) << name << " " << strategy << ": " << show(r);
      EXPECT_FALSE(contains(r.out, "replay:")) << name << " " << strategy << ": " << show(r);
      EXPECT_EQ(r.err, "") << name << " " << strategy << ": " << show(r);
    }
  }
}

TEST_F(CliExploreTest, SeveralFilesExitOneIfAnyFails) {
  const cli_result r = weft({"explore", scenario("counter_with_lock"), scenario("lost_update"), "--runs", "100"});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_TRUE(contains(r.out, scenario("counter_with_lock") + ": 100 schedules explored")) << show(r);
  EXPECT_TRUE(contains(r.out, "replay: weft replay " + scenario("lost_update") + " --schedule w1.")) << show(r);
}

TEST_F(CliExploreTest, DfsSaysWhetherTheBoundWasExhausted) {
  const std::string f = scenario("watchdog_three_strikes");
  const cli_result two = weft({"explore", f, "--strategy", "dfs", "--max-delays", "2", "--runs", "100000"});
  EXPECT_EQ(two.exit_code, 0) << show(two);
  EXPECT_TRUE(contains(two.out, "; every schedule with at most 2 delays was run")) << show(two);
  const cli_result three = weft({"explore", f, "--strategy", "dfs", "--max-delays", "3", "--runs", "100000"});
  EXPECT_EQ(three.exit_code, 1) << show(three);
  EXPECT_TRUE(contains(three.out, "; every schedule with at most 3 delays was run")) << show(three);
  const cli_result cut = weft({"explore", f, "--strategy", "dfs", "--max-delays", "3", "--runs", "10"});
  EXPECT_TRUE(contains(cut.out, "; the space with at most 3 delays was not exhausted")) << show(cut);
}

// ---- explore: bad input ----

TEST_F(CliExploreTest, ExploreOfBadInputExitsTwo) {
  const std::string bad = file("bad.json", R"({"coros": {"main": [{"op": "sleeep", "d": 1}]}})");
  const cli_result r = weft({"explore", bad, "--runs", "10"});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.err, bad + ": /coros/main/0/op: unknown op 'sleeep'\n") << show(r);
  // Bad input only a run finds.
  const std::string unset = file("unset.json", R"({"coros": {"main": [{"op": "log", "msg": "{nope}"}]}})");
  const cli_result u = weft({"explore", unset, "--runs", "10"});
  EXPECT_EQ(u.exit_code, 2) << show(u);
  EXPECT_EQ(u.err, unset + ": /coros/main/0/msg: variable 'nope' is not set\n") << show(u);
  // A bad file among good ones: 2 wins over 1.
  const cli_result mixed = weft({"explore", scenario("lost_update"), bad, "--runs", "10"});
  EXPECT_EQ(mixed.exit_code, 2) << show(mixed);
}

TEST_F(CliExploreTest, ExploreOfBadOptionsExitsTwo) {
  const std::string f = scenario("lost_update");
  const std::vector<std::vector<std::string>> bad = {
      {"explore", f, "--strategy", "bfs"},   {"explore", f, "--runs", "0"},       {"explore", f, "--runs", "many"},
      {"explore", f, "--faults", "crash"},   {"explore", f, "--depth", "0"},      {"explore", f, "--jobs", "0"},
      {"explore", f, "--shard", "2/2"},      {"explore", f, "--shard", "1"},      {"explore", f, "--shard", "a/b"},
      {"explore", f, "--shard", "0/0"},      {"explore"},                         {"explore", f, "--frobnicate"},
      {"explore", (dir_ / "missing.json").string()},
      // Numbers are decimal and fit: no wrap of a sign, no saturation, no junk, no other base.
      {"explore", f, "--seed", "-1"},        {"explore", f, "--seed", "18446744073709551616"},
      {"explore", f, "--seed", "7x"},        {"explore", f, "--runs", "0x10"},    {"explore", f, "--depth", "1e1"},
      {"explore", f, "--shard", "0/2x"},     {"explore", f, "--shard", "+0/2"},   {"explore", f, "--shard", "0x1/2"},
      {"explore", f, "--shard", "0/2/3"},    {"explore", f, "--shard", " 0/2"},   {"explore", f, "--jitter", "-1"}};
  for (const auto& args : bad) {
    const cli_result r = weft(args);
    std::string cmd;
    for (const auto& a : args) cmd += " " + a;
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << show(r);
    EXPECT_FALSE(r.err.empty()) << cmd << ": " << show(r);
    EXPECT_FALSE(contains(r.out, "schedules explored")) << cmd << ": " << show(r);
  }
  const cli_result shard = weft({"explore", f, "--shard", "2/2"});
  EXPECT_EQ(shard.err, "--shard must be I/N with 0 <= I < N, e.g. 0/4 (got '2/2')\n") << show(shard);
  const cli_result seed = weft({"explore", f, "--seed", "-1"});
  EXPECT_TRUE(contains(seed.err, "--seed: not a decimal number from 0 to 2^64-1: -1")) << show(seed);
  // The largest seed is a seed.
  const cli_result top = weft({"explore", f, "--runs", "3", "--seed", "18446744073709551615"});
  EXPECT_TRUE(contains(top.out, "seed 18446744073709551615")) << show(top);
}

TEST_F(CliExploreTest, AProgramWhoseFifoRunDoesNotEndIsReportedOnceNotExplored) {
  // One task at a time, each starting the next a tick later: it never ends,
  // and no resource grows, so only the step limit stops it.
  const std::string f = file("endless.json", R"({"coros": {
    "main": [{"op": "spawn", "var": "t", "coro": "p"}, {"op": "event", "var": "e"}, {"op": "event_wait", "var": "e"}],
    "p": [{"op": "sleep", "d": 1}, {"op": "spawn", "var": "t", "coro": "p"}]}})");
  const cli_result r = weft({"explore", f, "--runs", "1000"});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.out, "") << show(r);
  EXPECT_EQ(r.err, f + ": the FIFO run reached the step limit (1000000 statements): the program does not end; "
                       "not exploring it\n")
      << show(r);
}

TEST_F(CliExploreTest, AProgramThatReachesALimitIsReportedOnce) {
  const std::string f = (fs::path(WEFT_BAD_INPUT_DIR) / "run_limit_coroutines.json").string();
  const cli_result r = weft({"explore", f, "--runs", "1000", "--jobs", "2"});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.err, f + ": limit reached: more than 100000 coroutines alive at once (tasks and the calls they await)\n")
      << show(r);
}

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_TEST_UNDER_ASAN 1
#endif
#endif

TEST_F(CliExploreTest, UnderAnAddressSpaceLimitARunStopsAtItsMemoryLimitNotInAHandler) {
#ifdef WEFT_TEST_UNDER_ASAN
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space: ulimit -v cannot apply";
#endif
  // Gathers two copies of itself without end, inside `except Exception`: the
  // memory that runs out must never reach the handler as a Python exception.
  const std::string f = file("greedy.json", R"({"coros": {
    "main": [{"op": "try", "body": [{"op": "await", "aw": {"coro": "a"}}],
              "handlers": [{"exc": "Exception", "body": [{"op": "log", "msg": "caught"}]}]}],
    "a": [{"op": "gather", "items": [{"coro": "a"}, {"coro": "a"}]}]}})");
  for (const char* sub : {"trace", "explore"}) {
    const cli_result r = shell("ulimit -v 200000 && " + quoted(WEFT_CLI) + " " + sub + " " + quoted(f));
    EXPECT_EQ(r.exit_code, 2) << sub << ": " << show(r);
    EXPECT_TRUE(contains(r.err, f + ": limit reached: the heap grew past ")) << sub << ": " << show(r);
    EXPECT_FALSE(contains(r.out, "caught")) << sub << ": " << show(r);
  }
}

TEST_F(CliExploreTest, AScenarioPathThatIsNotARegularFileExitsTwoAtOnce) {
  const std::string fifo = (dir_ / "pipe.json").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  for (const char* sub : {"trace", "check", "explore"}) {
    const cli_result r = weft({sub, fifo});  // would block forever reading the FIFO
    EXPECT_EQ(r.exit_code, 2) << sub << ": " << show(r);
    EXPECT_TRUE(contains(r.err, "not a regular file: " + fifo)) << sub << ": " << show(r);
  }
  const cli_result r = weft({"replay", fifo, "--schedule", "w1.AA"});
  EXPECT_EQ(r.exit_code, 2) << show(r);
}

TEST_F(CliExploreTest, OutputThatCannotBeWrittenExitsTwo) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "this system has no /dev/full to write to";
  const std::string f = scenario("lost_update");
  for (const std::string& args : {" trace " + f, " explore " + f + " --runs 5", " explore --json " + f + " --runs 5"}) {
    const cli_result r = shell("(" + quoted(WEFT_CLI) + args + " > /dev/full)");
    EXPECT_EQ(r.exit_code, 2) << args << ": " << show(r);
    EXPECT_TRUE(contains(r.err, "weft: cannot write the output: ")) << args << ": " << show(r);
  }
  for (const char* option : {"--timeline", "--html"}) {
    const cli_result r = weft({"replay", f, "--schedule", "w1.AA", option, "/dev/full"});
    EXPECT_EQ(r.exit_code, 2) << option << ": " << show(r);
    EXPECT_TRUE(contains(r.err, std::string(option) + ": cannot write /dev/full")) << option << ": " << show(r);
  }
}

TEST_F(CliExploreTest, JsonOfAFileNameThatIsNotUtf8) {
  const std::string f = file("bad\xff name.json", read_bytes(scenario("lost_update")));
  const cli_result r = weft({"explore", f, "--runs", "20", "--json"});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["file"], (dir_ / "bad\xef\xbf\xbd name.json").string()) << show(r);
  EXPECT_GT(j["failures"].get<int>(), 0) << show(r);
}

// ---- explore: determinism of the output ----

TEST_F(CliExploreTest, OutputToANonTerminalIsIdenticalForIdenticalArguments) {
  const std::vector<std::string> args = {"explore", scenario("watchdog_three_strikes"), scenario("lost_update"),
                                         "--runs", "600", "--seed", "3"};
  const cli_result a = weft(args), b = weft(args);
  EXPECT_EQ(a.exit_code, 1) << show(a);
  EXPECT_EQ(a.exit_code, b.exit_code);
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.err, b.err);
  // Not a terminal: no progress line, no escape sequences.
  EXPECT_EQ(a.err, "") << show(a);
  EXPECT_FALSE(contains(a.out, "\r")) << show(a);
  EXPECT_FALSE(contains(a.out, "\033")) << show(a);
}

TEST_F(CliExploreTest, OutputDoesNotDependOnJobs) {
  for (const char* strategy : {"random", "pct"}) {
    const std::vector<std::string> base = {"explore", scenario("watchdog_three_strikes"), "--strategy", strategy,
                                           "--runs", "600", "--seed", "9"};
    auto args = base;
    args.insert(args.end(), {"--jobs", "1"});
    const cli_result one = weft(args);
    for (const char* jobs : {"2", "4"}) {
      args = base;
      args.insert(args.end(), {"--jobs", jobs});
      const cli_result many = weft(args);
      EXPECT_EQ(many.exit_code, one.exit_code) << strategy << " --jobs " << jobs;
      EXPECT_EQ(many.out, one.out) << strategy << " --jobs " << jobs;
    }
  }
}

TEST_F(CliExploreTest, JsonShardsMergeToTheUnshardedReport) {
  const std::string f = scenario("watchdog_three_strikes");
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"explore", f, "--runs", "900", "--seed", "4", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const cli_result r = weft(args);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << show(r);
    return json::parse(r.out);
  };
  const json whole = run({});
  const json s0 = run({"--shard", "0/2"}), s1 = run({"--shard", "1/2", "--jobs", "2"});
  EXPECT_EQ(s0["runs"].get<std::uint64_t>() + s1["runs"].get<std::uint64_t>(), whole["runs"].get<std::uint64_t>());
  EXPECT_EQ(s0["failures"].get<std::uint64_t>() + s1["failures"].get<std::uint64_t>(),
            whole["failures"].get<std::uint64_t>());
  std::set<std::uint64_t> merged;
  for (const auto& h : s0["trace_hashes"]) merged.insert(h.get<std::uint64_t>());
  for (const auto& h : s1["trace_hashes"]) merged.insert(h.get<std::uint64_t>());
  std::set<std::uint64_t> all;
  for (const auto& h : whole["trace_hashes"]) all.insert(h.get<std::uint64_t>());
  EXPECT_EQ(merged, all);
  ASSERT_TRUE(whole.contains("first_failure")) << whole.dump(2);
  const std::uint64_t first = whole["first_failure"]["run"].get<std::uint64_t>();
  const json& owner = first % 2 == 0 ? s0 : s1;
  ASSERT_TRUE(owner.contains("first_failure")) << owner.dump(2);
  EXPECT_EQ(owner["first_failure"]["run"], whole["first_failure"]["run"]);
  EXPECT_EQ(owner["first_failure"]["token"], whole["first_failure"]["token"]);
}

// ---- explore --json ----

TEST_F(CliExploreTest, JsonParsesAndCarriesTheReport) {
  const std::string f = scenario("lost_update");
  const cli_result r = weft({"explore", f, "--runs", "300", "--seed", "2", "--json"});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  const json j = json::parse(r.out);  // throws (and fails the test) if it is not JSON
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["file"], f);
  EXPECT_EQ(j["strategy"], "random");
  EXPECT_EQ(j["seed"], 2);
  EXPECT_EQ(j["runs"], 300);
  EXPECT_GT(j["failures"].get<int>(), 0);
  EXPECT_EQ(j["distinct_traces"].get<std::size_t>(), j["trace_hashes"].size());
  EXPECT_EQ(j["exhausted"], false);
  EXPECT_TRUE(j["nondeterminism"].is_array());
  const json& ff = j["first_failure"];
  ASSERT_TRUE(ff.is_object()) << r.out;
  EXPECT_EQ(ff["failure"], "assertion failed: count == 2 (was 1)");
  EXPECT_EQ(ff["shrunk_deviations"], 1);
  EXPECT_EQ(ff["shrunk_faults"], 0);
  EXPECT_LE(ff["shrunk_deviations"].get<int>(), ff["found_deviations"].get<int>());
  const std::string token = ff["token"];
  EXPECT_EQ(ff["replay"], "weft replay " + f + " --schedule " + token);
  EXPECT_TRUE(ff["trace"].is_array());
  EXPECT_EQ(ff["trace"].back(), "= assertion failed: count == 2 (was 1)");
  ASSERT_EQ(ff["race"].size(), 1u);
  // The text report says the same.
  const cli_result text = weft({"explore", f, "--runs", "300", "--seed", "2"});
  const explored e = parse_explore(text.out);
  EXPECT_EQ(e.token, token);
  EXPECT_EQ(json(e.shrunk_trace), ff["trace"]);
  EXPECT_TRUE(contains(text.out, "    " + ff["race"][0].get<std::string>() + "\n")) << text.out;
}

TEST_F(CliExploreTest, JsonOfSeveralFilesIsAnArrayAndOfACorrectFileHasNoFailure) {
  const cli_result r =
      weft({"explore", scenario("counter_with_lock"), scenario("lost_update"), "--runs", "50", "--json", "--stats"});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  const json j = json::parse(r.out);
  ASSERT_TRUE(j.is_array()) << r.out;
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["file"], scenario("counter_with_lock"));
  EXPECT_EQ(j[0]["failures"], 0);
  EXPECT_FALSE(j[0].contains("first_failure"));
  EXPECT_TRUE(j[0]["seconds"].is_number());
  EXPECT_TRUE(j[1].contains("first_failure"));
}

// ---- replay ----

TEST_F(CliExploreTest, ReplayVerboseShowsTheDeviation) {
  const std::string f = scenario("lost_update");
  const explored e = parse_explore(weft({"explore", f, "--runs", "100"}).out);
  ASSERT_FALSE(e.token.empty());
  const cli_result r = weft({"replay", f, "--schedule", e.token, "--verbose"});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_TRUE(contains(r.out, "away from FIFO):\n")) << show(r);
  // Each deviation in the words of explore's race.
  ASSERT_FALSE(e.race.empty());
  for (const auto& step : e.race) EXPECT_TRUE(contains(r.out, ": " + step + "\n")) << step << "\n" << show(r);
  // The trace comes first, unchanged.
  const auto got = split_lines(r.out);
  ASSERT_GE(got.size(), e.shrunk_trace.size());
  EXPECT_EQ(std::vector<std::string>(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(e.shrunk_trace.size())),
            e.shrunk_trace);
}

TEST_F(CliExploreTest, ReplayOfThePassingFifoTokenExitsZero) {
  const std::string f = scenario("lost_update");
  const cli_result r = weft({"replay", f, "--schedule", "w1.AA"});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out, "= main result None\n= a result None\n= b result None\n") << show(r);  // CPython's FIFO trace
  EXPECT_EQ(r.err, "") << show(r);
}

TEST_F(CliExploreTest, TimelineIsChromeTraceJson) {
  const std::string f = scenario("lock_fairness");
  const explored e = parse_explore(weft({"explore", f, "--runs", "100"}).out);
  ASSERT_FALSE(e.token.empty());
  const std::string out = (dir_ / "timeline.json").string();
  const cli_result r = weft({"replay", f, "--schedule", e.token, "--timeline", out});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  ASSERT_TRUE(fs::exists(out));
  const json t = json::parse(read_bytes(out));
  ASSERT_TRUE(t.contains("traceEvents")) << t.dump(1);
  const json& events = t["traceEvents"];
  ASSERT_TRUE(events.is_array());
  std::set<std::string> threads, logged;
  bool decision = false;
  for (const auto& ev : events) {
    ASSERT_TRUE(ev.contains("ph")) << ev.dump();
    if (ev["ph"] == "M" && ev["name"] == "thread_name") threads.insert(ev["args"]["name"].get<std::string>());
    if (ev["ph"] == "i" && !ev.contains("cat")) logged.insert(ev["name"].get<std::string>());
    if (ev.contains("cat") && ev["cat"] == "decision") decision = true;
    if (ev["ph"] == "i") {
      EXPECT_TRUE(ev["ts"].is_number()) << ev.dump();
    }
  }
  // One track per task that logged; each log line an instant event; the deviation a marker.
  EXPECT_TRUE(threads.count("reader")) << t.dump(1);
  EXPECT_TRUE(logged.count("read old")) << t.dump(1);
  EXPECT_TRUE(decision) << t.dump(1);
}

TEST_F(CliExploreTest, TimelineToAnUnwritablePathExitsTwo) {
  const std::string f = scenario("lost_update");
  const cli_result r = weft({"replay", f, "--schedule", "w1.AA", "--timeline", (dir_ / "no" / "such" / "dir.json").string()});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_TRUE(contains(r.err, "--timeline: cannot write ")) << show(r);
}

TEST_F(CliExploreTest, ReplayOfATokenThatDoesNotFitExitsTwo) {
  const explored e = parse_explore(weft({"explore", scenario("lost_update"), "--runs", "100"}).out);
  ASSERT_FALSE(e.token.empty());
  const std::string other = scenario("lock_fairness");
  const cli_result r = weft({"replay", other, "--schedule", e.token});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.out, "") << show(r);
  EXPECT_EQ(r.err.rfind(other + ": the schedule token does not fit this program: ", 0), 0u) << show(r);
  EXPECT_TRUE(contains(r.err, "(the program changed?)")) << show(r);
}

TEST_F(CliExploreTest, ReplayOfABadTokenExitsTwoWithTheReason) {
  const std::string f = scenario("lost_update");
  const explored e = parse_explore(weft({"explore", f, "--runs", "100"}).out);
  ASSERT_GT(e.token.size(), 8u);
  const std::pair<std::string, std::string> cases[] = {
      {"hello", f + ": --schedule: not a schedule token (it should start with 'w1.')\n"},
      {"w2." + e.token.substr(3), f + ": --schedule: schedule token of an unknown version (this weft reads w1)\n"},
      {"w1.AA*A", f + ": --schedule: schedule token has a character outside base64url at position 5\n"},
      {e.token.substr(0, e.token.size() - 3), f + ": --schedule: schedule token is damaged (it does not decode)\n"},
  };
  for (const auto& [token, message] : cases) {
    const cli_result r = weft({"replay", f, "--schedule", token});
    EXPECT_EQ(r.exit_code, 2) << token << ": " << show(r);
    EXPECT_EQ(r.out, "") << token << ": " << show(r);
    EXPECT_EQ(r.err, message) << token << ": " << show(r);
  }
}

TEST_F(CliExploreTest, ReplayUsageErrorsExitTwo) {
  const std::string f = scenario("lost_update");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"replay", f}, {"replay", "--schedule", "w1.AA"}, {"replay", (dir_ / "missing.json").string(), "--schedule", "w1.AA"}}) {
    const cli_result r = weft(args);
    EXPECT_EQ(r.exit_code, 2) << show(r);
    EXPECT_FALSE(r.err.empty()) << show(r);
  }
}

// ---- --check-determinism ----

TEST_F(CliExploreTest, CheckDeterminismReportsNothingForDeterministicScenarios) {
  for (const char* name : {"lost_update", "taskgroup_cancel_order", "watchdog_three_strikes", "counter_with_lock"}) {
    const cli_result r = weft({"explore", scenario(name), "--runs", "300", "--check-determinism"});
    EXPECT_FALSE(contains(r.out, "nondeterminism")) << name << ": " << show(r);
  }
  const cli_result c =
      weft({"explore", scenario("cancel_leaks_lock"), "--runs", "300", "--faults", "cancel", "--check-determinism"});
  EXPECT_FALSE(contains(c.out, "nondeterminism")) << show(c);
}

// ---- replay --reads-from ----

TEST_F(CliExploreTest, ReplayReadsFromShowsTheWriteEachReadObserved) {
  // lost_update in FIFO order: b's read of the counter (worker/0) sees a's
  // add (worker/3). Worked out from the scenario: main sets the counter
  // (main/0), a reads it, yields, sets and adds; b yields, then does the same.
  const cli_result fifo = weft({"replay", scenario("lost_update"), "--schedule", "w1.AA", "--reads-from"});
  EXPECT_EQ(fifo.exit_code, 0) << show(fifo);
  EXPECT_TRUE(contains(fifo.out, "reads-from (7 reads of shared state):\n")) << show(fifo);
  EXPECT_TRUE(contains(fifo.out, "  a#0 at /coros/worker/0 read what main#0 at /coros/main/0 wrote\n")) << show(fifo);
  EXPECT_TRUE(contains(fifo.out, "  b#1 at /coros/worker/0 read what a#1 at /coros/worker/3 wrote\n")) << show(fifo);
  // The race: b reads before a writes, so both read main's 0.
  const cli_result e = weft({"explore", scenario("lost_update"), "--runs", "50"});
  const explored lines = parse_explore(e.out);
  ASSERT_FALSE(lines.token.empty()) << show(e);
  const cli_result racy = weft({"replay", scenario("lost_update"), "--schedule", lines.token, "--reads-from"});
  EXPECT_TRUE(contains(racy.out, "  b#1 at /coros/worker/0 read what main#0 at /coros/main/0 wrote\n")) << show(racy);
}

}  // namespace
