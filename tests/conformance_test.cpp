// Every scenario in conformance/scenarios/ runs on weft and must print, line
// for line, the golden trace CPython 3.13 printed (conformance/golden/, made by
// conformance/regenerate.py, never by weft and never by hand).

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "weft/scenario/interpreter.hpp"
#include "weft/scenario/parse.hpp"
#include "text.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(WEFT_CONFORMANCE_DIR) / "scenarios", ec))
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

/// The first differing line, with context, as a reviewer wants to read it.
std::string first_difference(const std::vector<std::string>& want, const std::vector<std::string>& got) {
  std::size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  std::ostringstream out;
  out << "first difference at line " << i + 1 << ":\n";
  for (std::size_t k = i > 3 ? i - 3 : 0; k < i; ++k) out << "    " << want[k] << "\n";
  out << "  - " << (i < want.size() ? want[i] : "(end of trace)") << "   (CPython)\n";
  out << "  + " << (i < got.size() ? got[i] : "(end of trace)") << "   (weft)\n";
  out << "full weft trace:\n";
  for (const auto& l : got) out << "    " << l << "\n";
  return out.str();
}

class Conformance : public testing::TestWithParam<std::string> {};

TEST_P(Conformance, MatchesCPythonGolden) {
  const fs::path dir(WEFT_CONFORMANCE_DIR);
  const fs::path golden = dir / "golden" / (GetParam() + ".txt");
  ASSERT_TRUE(fs::exists(golden)) << "no golden trace " << golden << ": run conformance/regenerate.py";
  auto prog = weft::scenario::parse_file((dir / "scenarios" / (GetParam() + ".json")).string());
  auto result = weft::scenario::run(prog);
  auto want = read_lines(golden);
  EXPECT_EQ(want, result.trace) << first_difference(want, result.trace);
}

TEST(ConformanceCorpus, HasTheScenariosTheIssueAsksFor) {
  auto names = scenario_names();
  EXPECT_GE(names.size(), 80u);
  for (const auto& n : names)
    EXPECT_TRUE(fs::exists(fs::path(WEFT_CONFORMANCE_DIR) / "golden" / (n + ".txt"))) << n << " has no golden";
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Conformance, testing::ValuesIn(scenario_names()),
                         weft_test::camel_case_name{});

}  // namespace
