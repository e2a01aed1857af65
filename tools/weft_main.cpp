// The `weft` command: runs scenario files (shared/spec/scenario-format.md).
//
//   weft trace FILE...   print each scenario's canonical trace
//   weft check FILE...   validate only
//
// Exit codes: 0 ran (whatever the program's outcome), 2 bad input or usage
// (including a program that hits the step limit), 1 reserved for a failing
// exploration.

#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "weft/scenario/interpreter.hpp"
#include "weft/scenario/parse.hpp"

namespace {

constexpr int exit_ok = 0;
constexpr int exit_bad_input = 2;

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
      if (result.end == weft::scenario::ending::step_limit) {
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"weft: run asyncio scenarios on weft's runtime (shared/spec/scenario-format.md)", "weft"};
  app.require_subcommand(1);
  std::vector<std::string> files;

  auto* trace_cmd = app.add_subcommand("trace", "Run each scenario and print its canonical trace");
  trace_cmd->add_option("FILE", files, "Scenario files (JSON)")->required()->check(CLI::ExistingFile);
  auto* check_cmd = app.add_subcommand("check", "Validate each scenario without running it");
  check_cmd->add_option("FILE", files, "Scenario files (JSON)")->required()->check(CLI::ExistingFile);

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
  if (trace_cmd->parsed()) return trace(files);
  return check(files);
}
