// WEFT_EXPLORE_TEST as its users see it: what a failing and a passing test
// print, the replay command a failure names, WEFT_REPLAY on a whole binary
// (the test the token came from replays it, the others are skipped), and
// body options. Runs tests/explore_macro/target.cpp as a separate program.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli.hpp"

namespace {

using weft_test::cli_result;
using weft_test::quoted;

/// "target.cpp:N in append", N the line of append's await in target.cpp.
std::string append_site() {
  std::ifstream f(WEFT_TESTS_DIR "/explore_macro/target.cpp");
  std::string line;
  for (int n = 1; std::getline(f, line); ++n)
    if (line.find("co_await weft::sleep(std::chrono::seconds(0));") != std::string::npos)
      return "target.cpp:" + std::to_string(n) + " in append";
  ADD_FAILURE() << "append's await not found in target.cpp";
  return "?";
}

class ExploreMacro : public weft_test::cli_fixture {
 protected:
  cli_result target(const std::string& args, const std::string& env = "") {
    return shell(env + " " + quoted(WEFT_EXPLORE_MACRO_TARGET) + " " + args);
  }
  /// The replay command a failure of Macro.Race prints.
  std::string replay_line() {
    const cli_result r = target("--gtest_filter=Macro.Race");
    EXPECT_NE(r.exit_code, 0) << weft_test::show(r);
    std::smatch m;
    const std::regex line("replay: (WEFT_REPLAY=(\\S+) (\\S+) --gtest_filter=Macro\\.Race)");
    if (!std::regex_search(r.out, m, line)) {
      ADD_FAILURE() << "no replay command in:\n" << weft_test::show(r);
      return "";
    }
    EXPECT_EQ(m[3].str(), WEFT_EXPLORE_MACRO_TARGET);
    return m[1].str();
  }
};

TEST_F(ExploreMacro, AFailureNamesTheExactReplayCommand) {
  const std::string cmd = replay_line();
  ASSERT_FALSE(cmd.empty());
  const cli_result again = shell(cmd);
  EXPECT_NE(again.exit_code, 0) << weft_test::show(again);
  EXPECT_NE(again.out.find("replayed "), std::string::npos) << weft_test::show(again);
  EXPECT_NE(again.out.find("order == \"ab\""), std::string::npos) << weft_test::show(again);
  EXPECT_NE(again.out.find("a#1: woken by a#0, resumed at " + append_site()), std::string::npos)
      << "the replayed steps: " << weft_test::show(again);
  EXPECT_NE(again.out.find("decision: b#0 (at its start) ran before a#0 (at its start)"), std::string::npos)
      << "the deviation replayed: " << weft_test::show(again);
  EXPECT_NE(again.out.find("1 FAILED TEST"), std::string::npos) << weft_test::show(again);
}

TEST_F(ExploreMacro, AFailureOfABodyWithoutTraceShowsEachStepWithItsSites) {
  const cli_result r = target("--gtest_filter=Macro.Race");
  const std::string site = append_site();
  // The shrunk run: b's first step before a's (the race), then each resumes at the await.
  EXPECT_NE(r.out.find("b#0: woken by main#0, started, suspended at " + site + "; ran before a#0"), std::string::npos)
      << weft_test::show(r);
  EXPECT_NE(r.out.find("a#0: woken by main#0, started, suspended at " + site + "\n"), std::string::npos)
      << weft_test::show(r);
  EXPECT_NE(r.out.find("b#1: woken by b#0, resumed at " + site), std::string::npos) << weft_test::show(r);
}

TEST_F(ExploreMacro, WeftReportDirGetsTheHtmlReportAndTheTimelineOfAFailure) {
  const std::filesystem::path out = dir_ / "pictures";
  const cli_result r = target("--gtest_filter=Macro.Race", "WEFT_REPORT_DIR=" + quoted(out.string()));
  EXPECT_NE(r.exit_code, 0) << weft_test::show(r);
  const std::filesystem::path html = out / "Macro.Race.html", json = out / "Macro.Race.trace.json";
  EXPECT_NE(r.out.find("wrote " + html.string()), std::string::npos) << weft_test::show(r);
  EXPECT_NE(r.out.find("wrote " + json.string()), std::string::npos) << weft_test::show(r);
  auto read = [](const std::filesystem::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  };
  const std::string page = read(html);
  EXPECT_NE(page.find("b#0 (at its start) ran before a#0 (at its start)"), std::string::npos) << "the race";
  EXPECT_NE(page.find("--gtest_filter=Macro.Race"), std::string::npos) << "the replay command";
  EXPECT_EQ(page.find("<script src"), std::string::npos) << "self-contained";
  const auto trace = nlohmann::json::parse(read(json));
  std::set<std::string> lanes;
  for (const auto& e : trace.at("traceEvents"))
    if (e.at("name") == "thread_name") lanes.insert(e.at("args").at("name").get<std::string>());
  EXPECT_EQ(lanes, (std::set<std::string>{"main", "a", "b", "callbacks"}));
}

TEST_F(ExploreMacro, ATokenReplaysItsOwnTestAndSkipsTheOthers) {
  const std::string cmd = replay_line();
  ASSERT_FALSE(cmd.empty());
  const std::string env = cmd.substr(0, cmd.find(' '));
  const cli_result all = target("", env);
  EXPECT_NE(all.exit_code, 0) << weft_test::show(all);
  EXPECT_NE(all.out.find("[  FAILED  ] Macro.Race"), std::string::npos) << weft_test::show(all);
  EXPECT_NE(all.out.find("[  SKIPPED ] Macro.Passes"), std::string::npos) << weft_test::show(all);
  EXPECT_NE(all.out.find("does not fit"), std::string::npos) << weft_test::show(all);
  EXPECT_NE(all.out.find("1 FAILED TEST"), std::string::npos) << weft_test::show(all);
}

TEST_F(ExploreMacro, AMalformedTokenFailsNamingTheProblem) {
  const cli_result r = target("--gtest_filter=Macro.Passes", "WEFT_REPLAY=not-a-token");
  EXPECT_NE(r.exit_code, 0) << weft_test::show(r);
  EXPECT_NE(r.out.find("WEFT_REPLAY is not a schedule token"), std::string::npos) << weft_test::show(r);
}

TEST_F(ExploreMacro, APassingTestPrintsWhatItCovered) {
  const cli_result r = target("--gtest_filter=Macro.Passes");
  EXPECT_EQ(r.exit_code, 0) << weft_test::show(r);
  EXPECT_NE(r.out.find("[ explored ] Macro.Passes: 50 schedules (random, seed 3), 2 distinct traces"),
            std::string::npos)
      << weft_test::show(r);
}

TEST_F(ExploreMacro, BodyOptionsReachEveryRun) {
  const cli_result strict = target("--gtest_filter=Macro.UnretrievedFailsWhenAsked");
  EXPECT_NE(strict.exit_code, 0) << weft_test::show(strict);
  EXPECT_NE(strict.out.find("nobody awaits this"), std::string::npos) << weft_test::show(strict);
  const cli_result lenient = target("--gtest_filter=Macro.UnretrievedPassesByDefault");
  EXPECT_EQ(lenient.exit_code, 0) << weft_test::show(lenient);
}

}  // namespace
