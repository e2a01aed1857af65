// The tutorial examples (examples/tutorial_*.cpp) against their CPython twins
// (tests/reference/tutorial_*.py): each built example runs with
// WEFT_EXAMPLE_TIMESTAMPS=1, so every line starts with the loop's virtual time
// in ms, and its output must equal the twin's .out line for line, wall-clock
// stamps (HH:MM:SS) masked as <time>.
//
// Warnings: CPython writes them to stderr; the twin records each one on stdout
// as "STAMP Category: text" (see tutorial_2_1_never_awaited.py), and the example
// must print exactly those on stderr, through weft::warn.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

namespace {

namespace fs = std::filesystem;

// Every example; ExampleTest.MatchesCpython compares each with its CPython twin.
constexpr std::array<std::string_view, 13> kExamples = {
    "tutorial_2_1_coroutine_sleep", "tutorial_2_1_never_awaited", "tutorial_2_2_tasks",
    "tutorial_2_3_task_group", "tutorial_2_3_2_wait", "tutorial_2_4_1_timeout",
    "tutorial_2_4_2_timeout_reschedule", "tutorial_2_4_3_wait_for",
    "tutorial_2_5_1_cancel", "tutorial_3_1_eager_task_factory",
    "tutorial_3_3_1_to_thread", "tutorial_3_3_2_run_coroutine_threadsafe",
    "shield_demo",  // not from the tutorial: its 2.5.2 has fragments only
};

struct example_output {
  std::vector<std::string> out;  // stdout lines
  std::vector<std::string> err;  // stderr lines
  int status = -1;               // as returned by pclose
};

std::vector<std::string> split_lines(std::istream& in) {
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

fs::path example_path(std::string_view name) { return fs::path(WEFT_EXAMPLES_DIR) / name; }

// Runs the built example through the shell: stdout through popen, stderr into
// a file of this process's own.
example_output run_example(std::string_view name, bool timestamps) {
  const fs::path exe = example_path(name);
  const fs::path err = fs::temp_directory_path() /
                       ("weft_" + std::string(name) + "_" + std::to_string(::getpid()) + ".stderr");
  const std::string command = std::string(timestamps ? "WEFT_EXAMPLE_TIMESTAMPS=1" : "env -u WEFT_EXAMPLE_TIMESTAMPS") +
                              " '" + exe.string() + "' 2>'" + err.string() + "'";
  example_output r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed: " << command;
    return r;
  }
  std::string text;
  std::array<char, 4096> buf{};
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0;) text.append(buf.data(), n);
  r.status = ::pclose(pipe);
  std::istringstream out(text);
  r.out = split_lines(out);
  std::ifstream err_in(err);
  r.err = split_lines(err_in);
  fs::remove(err);
  return r;
}

// time.strftime('%X') and its C++ port print the wall-clock time: mask it.
std::string mask_wall_clock(const std::string& line) {
  static const std::regex hh_mm_ss(R"(\b\d\d:\d\d:\d\d\b)");
  return std::regex_replace(line, hh_mm_ss, "<time>");
}

// "STAMP text" -> "text".
std::string without_stamp(const std::string& line) {
  const auto space = line.find(' ');
  return space == std::string::npos ? std::string() : line.substr(space + 1);
}

bool is_warning(const std::string& reference_line) {
  return without_stamp(reference_line).starts_with("RuntimeWarning: ");
}

// Runs examples/NAME and compares it with tests/reference/NAME.out.
void expect_matches_cpython(std::string_view name) {
  SCOPED_TRACE(std::string(name));
  ASSERT_TRUE(fs::exists(example_path(name)))
      << example_path(name) << " is not built: build the examples (WEFT_BUILD_EXAMPLES=ON) first";
  const example_output r = run_example(name, /*timestamps=*/true);
  EXPECT_EQ(r.status, 0) << name << " failed";

  std::vector<std::string> want_out, want_warnings;
  for (const std::string& l : weft_test::reference_lines(std::string(name))) {
    if (is_warning(l)) {
      want_warnings.push_back(without_stamp(l));
    } else {
      want_out.push_back(mask_wall_clock(l));
    }
  }
  std::vector<std::string> got_out;
  for (const std::string& l : r.out) got_out.push_back(mask_wall_clock(l));
  weft_test::expect_lines("stdout of examples/" + std::string(name), want_out, got_out);

  // Each stderr line is one warning, in CPython's order, whatever the handler
  // puts before the text ("weft warning: " by default).
  ASSERT_EQ(r.err.size(), want_warnings.size()) << "stderr:\n" << testing::PrintToString(r.err);
  for (std::size_t i = 0; i < r.err.size(); ++i) {
    EXPECT_TRUE(r.err[i].ends_with(want_warnings[i])) << "stderr line " << i << ": " << r.err[i]
                                                      << "\nexpected it to end with: " << want_warnings[i];
  }
}

class ExampleTest : public testing::TestWithParam<std::string_view> {};

TEST_P(ExampleTest, MatchesCpython) { expect_matches_cpython(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Tutorial, ExampleTest, testing::ValuesIn(kExamples), weft_test::camel_case_name{});

// The point of tutorial 2.1's second program, spelled out: the body never
// runs, and the dropped coroutine is reported by name on stderr.
TEST(ExamplesTest, NeverAwaitedRunsNothingAndWarns) {
  const example_output r = run_example("tutorial_2_1_never_awaited", /*timestamps=*/false);
  EXPECT_EQ(r.status, 0);
  for (const auto* lines : {&r.out, &r.err}) {
    for (const std::string& l : *lines) {
      EXPECT_EQ(l.find("Hello World!"), std::string::npos) << l;
      EXPECT_EQ(l.find("started at"), std::string::npos) << l;
    }
  }
  EXPECT_TRUE(r.out.empty()) << testing::PrintToString(r.out);
  EXPECT_EQ(r.err, std::vector<std::string>{
                       "weft warning: RuntimeWarning: coroutine 'startDreamPlace' was never awaited"});
}

// Without WEFT_EXAMPLE_TIMESTAMPS the examples print the tutorial's lines only.
TEST(ExamplesTest, OutputHasNoStampsByDefault) {
  const example_output r = run_example("tutorial_2_2_tasks", /*timestamps=*/false);
  EXPECT_EQ(r.status, 0);
  std::vector<std::string> want, got;
  for (const std::string& l : weft_test::reference_lines("tutorial_2_2_tasks")) want.push_back(without_stamp(l));
  for (const std::string& l : r.out) got.push_back(mask_wall_clock(l));
  weft_test::expect_lines("unstamped stdout of examples/tutorial_2_2_tasks", want, got);
  EXPECT_TRUE(r.err.empty()) << testing::PrintToString(r.err);
}

// The wall-clock stamps are real times of day, which the comparisons mask.
TEST(ExamplesTest, PrintsWallClockTimeOfDay) {
  const example_output r = run_example("tutorial_2_1_coroutine_sleep", /*timestamps=*/false);
  ASSERT_FALSE(r.out.empty());
  EXPECT_TRUE(std::regex_match(r.out.front(), std::regex(R"(started at \d\d:\d\d:\d\d)"))) << r.out.front();
}

// A new example must be listed in kExamples, and so come with a CPython twin.
TEST(ExamplesTest, EveryExampleIsComparedWithCpython) {
  std::set<std::string> built;
  for (const fs::directory_entry& e : fs::directory_iterator(WEFT_EXAMPLES_DIR)) {
    const std::string file = e.path().filename().string();
    if (e.is_regular_file() && (file.starts_with("tutorial_") || file == "shield_demo")) built.insert(file);
  }
  const std::set<std::string> tested(kExamples.begin(), kExamples.end());
  EXPECT_EQ(built, tested);
  for (std::string_view name : kExamples) {
    EXPECT_TRUE(fs::exists(fs::path(WEFT_REFERENCE_DIR) / (std::string(name) + ".out"))) << name;
  }
}

}  // namespace
