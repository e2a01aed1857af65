// The `weft` command (tools/weft_main.cpp), run as a user runs it:
//   weft trace FILE...   prints each scenario's trace; "== FILE" before each when several
//   weft check FILE...   validates only
// Exit status: 0 ran, 2 bad input or usage (CLI11's parse errors, the step limit
// included), 1 reserved.
//
// The expected trace of the valid scenario is the format's own example
// (docs/scenario-format.md, "An example"), which is what CPython prints.

#include <gtest/gtest.h>

#include "cli.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using weft_test::cli_result;
using weft_test::quoted;
using weft_test::read_bytes;
using weft_test::show;

/// The format's example scenario (docs/scenario-format.md) and the trace it prints.
const char* const example = R"({
  "name": "tasks_run_concurrently",
  "main": "main",
  "coros": {
    "main": [ {"op": "spawn", "var": "t1", "coro": "slow"},
              {"op": "log", "msg": "started"},
              {"op": "await", "aw": {"task": "t1"}, "into": "r"},
              {"op": "log", "msg": "got {r}"} ],
    "slow": [ {"op": "sleep", "d": 5}, {"op": "return", "value": 5} ]
  }
}
)";
const char* const example_trace =
    "0 main: started\n"
    "5 main: got 5\n"
    "= main result None\n"
    "= t1 result 5\n";

/// A scenario whose only fault is an unknown op, and its message (after the path).
const char* const unknown_op = R"({"coros": {"main": [{"op": "log", "msg": "start"}, {"op": "sleeep", "d": 1}]}})";
const char* const unknown_op_message = ": /coros/main/1/op: unknown op 'sleeep'\n";

class CliTest : public weft_test::cli_fixture {};


bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// ---- weft trace ----

TEST_F(CliTest, TracePrintsTheTraceAndExitsZero) {
  const std::string f = file("example.json", example);
  const cli_result r = weft({"trace", f});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out, example_trace) << show(r);
  EXPECT_EQ(r.err, "") << show(r);
}

TEST_F(CliTest, TraceOfSeveralFilesPrintsAHeaderBeforeEach) {
  const std::string a = file("a.json", example);
  const std::string b = file("b.json", R"({"coros": {"main": [{"op": "log", "msg": "b"}]}})");
  const cli_result r = weft({"trace", a, b});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out, "== " + a + "\n" + example_trace + "== " + b + "\n0 main: b\n= main result None\n") << show(r);
  EXPECT_EQ(r.err, "") << show(r);
}

TEST_F(CliTest, TraceOfBadInputExitsTwoWithTheMessageOnStderr) {
  const std::string f = file("bad.json", unknown_op);
  const cli_result r = weft({"trace", f});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.out, "") << show(r);
  EXPECT_EQ(r.err, f + unknown_op_message) << show(r);
}

TEST_F(CliTest, TraceGoesOnPastABadFileAndExitsTwo) {
  const std::string bad = file("bad.json", unknown_op);
  const std::string good = file("good.json", example);
  const cli_result r = weft({"trace", bad, good});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.out, "== " + bad + "\n== " + good + "\n" + example_trace) << show(r);
  EXPECT_EQ(r.err, bad + unknown_op_message) << show(r);
}

TEST_F(CliTest, TraceOfRunTimeBadInputPrintsOnlyTheMessage) {
  // Bad input only a run finds (reading an unset variable) while a spawned task
  // has not started yet: one line on stderr, the message; no trace on stdout.
  const std::string f = file("unset.json", R"({"coros": {"main": [{"op": "spawn", "var": "t", "coro": "w"},
    {"op": "log", "msg": "{nope}"}], "w": []}})");
  const cli_result r = weft({"trace", f});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.out, "") << show(r);
  EXPECT_EQ(r.err, f + ": /coros/main/1/msg: variable 'nope' is not set\n") << show(r);
}

TEST_F(CliTest, StepLimitExitsTwoWithAMessageNamingTheFile) {
  // A task that spawns a copy of itself, forever, under the default limit.
  std::string again;
  for (int i = 0; i < 30; ++i) again += R"({"op": "set", "var": "n", "value": 1}, )";
  const std::string f = file("forever.json", R"({"coros": {"main": [{"op": "spawn", "var": "t", "coro": "again"},
    {"op": "sleep", "d": 1}], "again": [)" + again + R"({"op": "spawn", "var": "t", "coro": "again"}]}})");
  const cli_result r = weft({"trace", f});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.out, "= step limit\n") << show(r);
  EXPECT_EQ(r.err, f + ": the run reached the step limit (1000000 statements): the program does not end\n") << show(r);
}

// ---- weft check ----

TEST_F(CliTest, CheckOfValidFileExitsZero) {
  const std::string f = file("example.json", example);
  const cli_result r = weft({"check", f});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out.rfind(f + ": ", 0), 0u) << "one line naming the file: " << show(r);
  EXPECT_EQ(r.err, "") << show(r);
}

TEST_F(CliTest, CheckOfBadInputExitsTwoWithTheMessageOnStderr) {
  const std::string f = file("bad.json", unknown_op);
  const cli_result r = weft({"check", f});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.out, "") << show(r);
  EXPECT_EQ(r.err, f + unknown_op_message) << show(r);
}

TEST_F(CliTest, CheckOfSeveralFilesReportsEachAndExitsTwoIfAnyIsBad) {
  const std::string good = file("good.json", example);
  const std::string bad = file("bad.json", unknown_op);
  const cli_result r = weft({"check", good, bad});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.out.rfind(good + ": ", 0), 0u) << show(r);
  EXPECT_EQ(r.err, bad + unknown_op_message) << show(r);
}

TEST_F(CliTest, CheckDoesNotRunTheProgram) {
  // Errors only a run finds, and a program that never ends, pass `check`.
  const std::string unset = file("unset.json", R"({"coros": {"main": [{"op": "log", "msg": "{nope}"}]}})");
  const std::string forever = file("forever.json", R"({"coros": {"main": [{"op": "await", "aw": {"coro": "main"}}]}})");
  const cli_result r = weft({"check", unset, forever});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.err, "") << show(r);
}

TEST_F(CliTest, CheckOfBinaryGarbageExitsTwo) {
  const std::string f = file("garbage.json", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  const cli_result r = weft({"check", f});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.err.rfind(f + ": ", 0), 0u) << show(r);
}

// ---- usage errors: exit 2 with a message ----

TEST_F(CliTest, NoSubcommandExitsTwo) {
  const cli_result r = weft({});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_TRUE(contains(r.err, "subcommand")) << show(r);
}

TEST_F(CliTest, UnknownSubcommandExitsTwoNamingIt) {
  const std::string f = file("example.json", example);
  const cli_result r = weft({"trcae", f});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.out, "") << show(r);
  EXPECT_TRUE(contains(r.err, "trcae")) << "the message should name the word it did not understand: " << show(r);
}

TEST_F(CliTest, UnknownOptionExitsTwoNamingIt) {
  const std::string f = file("example.json", example);
  for (const auto& args : {std::vector<std::string>{"trace", "--frobnicate", f}, {"--frobnicate", "check", f}}) {
    const cli_result r = weft(args);
    EXPECT_EQ(r.exit_code, 2) << show(r);
    EXPECT_EQ(r.out, "") << show(r);
    EXPECT_TRUE(contains(r.err, "--frobnicate")) << show(r);
  }
}

TEST_F(CliTest, MissingFileArgumentExitsTwo) {
  for (const char* sub : {"trace", "check"}) {
    const cli_result r = weft({sub});
    EXPECT_EQ(r.exit_code, 2) << sub << ": " << show(r);
    EXPECT_EQ(r.out, "") << sub << ": " << show(r);
    EXPECT_TRUE(contains(r.err, "FILE")) << sub << ": " << show(r);
  }
}

TEST_F(CliTest, NonexistentFileExitsTwoNamingIt) {
  const std::string missing = (dir_ / "no_such_scenario.json").string();
  for (const char* sub : {"trace", "check"}) {
    const cli_result r = weft({sub, missing});
    EXPECT_EQ(r.exit_code, 2) << sub << ": " << show(r);
    EXPECT_EQ(r.out, "") << sub << ": " << show(r);
    EXPECT_TRUE(contains(r.err, missing)) << sub << ": " << show(r);
  }
}

TEST_F(CliTest, DirectoryInsteadOfFileExitsTwoNamingIt) {
  const cli_result r = weft({"check", dir_.string()});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_TRUE(contains(r.err, dir_.string())) << show(r);
}

// ---- help ----

TEST_F(CliTest, HelpExitsZeroAndPrintsUsage) {
  for (const char* flag : {"--help", "-h"}) {
    const cli_result r = weft({flag});
    EXPECT_EQ(r.exit_code, 0) << flag << ": " << show(r);
    EXPECT_TRUE(contains(r.out, "Usage: weft")) << flag << ": " << show(r);
    EXPECT_TRUE(contains(r.out, "trace")) << flag << ": " << show(r);
    EXPECT_TRUE(contains(r.out, "check")) << flag << ": " << show(r);
  }
}

TEST_F(CliTest, SubcommandHelpExitsZeroAndPrintsItsUsage) {
  for (const char* sub : {"trace", "check"}) {
    for (const char* flag : {"--help", "-h"}) {
      const cli_result r = weft({sub, flag});
      EXPECT_EQ(r.exit_code, 0) << sub << " " << flag << ": " << show(r);
      EXPECT_TRUE(contains(r.out, std::string("Usage: weft ") + sub)) << sub << " " << flag << ": " << show(r);
      EXPECT_TRUE(contains(r.out, "FILE")) << sub << " " << flag << ": " << show(r);
    }
  }
}

}  // namespace
