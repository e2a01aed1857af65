// Hostile and malformed scenarios (docs/scenario-format.md, "The file", "Limits", "Bad input"): each
// gets a clear bad_input naming the file and the place, never a crash, a hang or
// unbounded memory; a program that never ends stops at the step limit.
//
// - tests/bad/NAME.json holds one kind of error; tests/bad/NAME.err the exact
//   what() it must get, with the file's path written FILE. Errors only a run can
//   find (files named run_*) come from run() once parse_file accepted the file.
// - Big hostile inputs (megabytes, deep nesting, 10 MB files) are made here.
// - Runs that could crash or exhaust memory on a regression run in a child
//   process (a gtest death test) so a crash fails one test, not the binary.
//
// The expected messages are weft's own; the expected traces of valid programs
// are what CPython prints (conformance/oracle.py, the reference runner).

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "weft/scenario/interpreter.hpp"
#include "weft/scenario/parse.hpp"
#include "cli.hpp"
#include "text.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_TEST_ASAN 1
#endif
#endif

namespace {

namespace fs = std::filesystem;
namespace sc = weft::scenario;
using weft_test::read_bytes;

// ---- helpers ----

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

std::string without_final_newline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

/// At most `n` bytes of `s`, bytes that are not printable ASCII as \xNN: for
/// failure messages about huge or binary strings.
std::string clip(const std::string& s, std::size_t n = 300) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += s[i];
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return s.size() <= n ? out : out + "... (" + std::to_string(s.size()) + " bytes)";
}

std::string ending_name(sc::ending e) {
  switch (e) {
    case sc::ending::completed: return "completed";
    case sc::ending::deadlock: return "deadlock";
    case sc::ending::assertion_failed: return "assertion_failed";
    case sc::ending::step_limit: return "step_limit";
  }
  return "?";
}

std::string describe(const sc::execution& r) {
  std::string s = "the run ended (" + ending_name(r.end) + ") with the trace:";
  for (const auto& l : r.trace) s += "\n    " + clip(l);
  return s;
}

/// The error `file` gets: parse_file's, or if it parses, run()'s. Anything but a
/// bad_input is described as such, so the comparison with the .err fails clearly.
std::string error_of_file(const std::string& file) {
  try {
    sc::execution r = sc::run(sc::parse_file(file));
    return "(no error: " + describe(r) + ")";
  } catch (const sc::bad_input& e) {
    return replace_all(e.what(), file, "FILE");
  } catch (const std::exception& e) {
    return std::string("(not a bad_input but another exception: ") + e.what() + ")";
  } catch (...) {
    return "(not a bad_input but an exception that is not a std::exception)";
  }
}

/// The error parse(text, "FILE") gets, described as error_of_file does.
std::string parse_error(std::string_view text, const sc::limits& lim = {}) {
  try {
    sc::program p = sc::parse(text, "FILE", lim);
    return "(no error: the text parsed, " + std::to_string(p.statement_count) + " statements)";
  } catch (const sc::bad_input& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("(not a bad_input but another exception: ") + e.what() + ")";
  } catch (...) {
    return "(not a bad_input but an exception that is not a std::exception)";
  }
}

/// Expects `got` to equal `want`, or prints both and where they first differ.
void expect_same_message(const std::string& what, const std::string& want, const std::string& got) {
  if (want == got) return;
  std::size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  ADD_FAILURE() << what << " gives the wrong error:\n"
                << "  expected: " << clip(want, 2000) << "\n"
                << "  actual:   " << clip(got, 2000) << "\n"
                << "  first difference at byte " << i << " (expected "
                << (i < want.size() ? "'" + clip(want.substr(i, 20)) + "'" : "the end") << ", actual "
                << (i < got.size() ? "'" + clip(got.substr(i, 20)) + "'" : "the end") << ")";
}

/// True when every byte of `s` is printable ASCII: an error message must not
/// copy raw bytes of a binary file to the user's terminal.
bool printable_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

/// A deterministic byte source (64-bit LCG, Knuth's MMIX constants): the same
/// garbage on every run and every standard library.
class lcg {
 public:
  explicit lcg(std::uint64_t seed) : s_(seed) {}
  std::uint32_t next() {
    s_ = s_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(s_ >> 33);
  }
  std::uint32_t below(std::uint32_t n) { return next() % n; }

 private:
  std::uint64_t s_;
};

/// `n` copies of `item` joined by ", " (a JSON list's elements).
std::string repeat_joined(const std::string& item, std::size_t n) {
  std::string s;
  s.reserve(n * (item.size() + 2));
  for (std::size_t i = 0; i < n; ++i) {
    if (i) s += ", ";
    s += item;
  }
  return s;
}

// ---- running in a child process ----

/// Caps the address space at what the process uses now plus `budget` bytes, so
/// a run that would take tens of gigabytes fails with bad_alloc instead of
/// taking the machine's memory. (Not under ASan, whose allocator reserves its
/// address space up front: there the tests that need the cap are skipped.)
void limit_address_space(std::size_t budget) {
#ifndef WEFT_TEST_ASAN
  unsigned long long pages = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%llu", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  // Without /proc, a fixed cap well above what the test binary needs.
  const unsigned long long now = pages ? pages * 4096ULL : 1ULL << 30;
  rlimit lim{};
  lim.rlim_cur = lim.rlim_max = static_cast<rlim_t>(now + budget);
  setrlimit(RLIMIT_AS, &lim);
#else
  (void)budget;
#endif
}

/// The body of a child process: runs `check` (which returns "" when the outcome
/// is right, else the problem) and exits 0 if it is right, 1 with the problem
/// on stderr if not. A crash or a stack overflow kills only the child.
[[noreturn]] void child(const std::function<std::string()>& check, std::size_t budget = std::size_t{1} << 30) {
  limit_address_space(budget);
  std::string problem;
  try {
    problem = check();
  } catch (const std::bad_alloc&) {
    problem = "ran out of memory: it used more than the budget of " + std::to_string(budget >> 20) + " MiB";
  } catch (const sc::bad_input& e) {
    problem = std::string("unexpected bad_input: ") + e.what();
  } catch (const std::exception& e) {
    problem = std::string("unexpected exception: ") + e.what();
  } catch (...) {
    problem = "unexpected exception that is not a std::exception";
  }
  if (problem.empty()) std::_Exit(0);
  std::fprintf(stderr, "%s\n", problem.substr(0, 4000).c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

/// The outcome of running `text`: "bad_input: WHAT" or describe(result).
std::string outcome_of(const std::string& text, const sc::run_options& opts = {}) {
  try {
    return describe(sc::run(sc::parse(text, "FILE"), opts));
  } catch (const sc::bad_input& e) {
    return std::string("bad_input: ") + e.what();
  }
}

/// A check for child(): the run ends at the step limit with "= step limit" last.
std::string expect_step_limit(const std::string& text, const sc::run_options& opts) {
  sc::execution r;
  try {
    r = sc::run(sc::parse(text, "FILE"), opts);
  } catch (const sc::bad_input& e) {
    return std::string("expected the step limit, got bad_input: ") + e.what();
  }
  if (r.end != sc::ending::step_limit || r.trace.empty() || r.trace.back() != "= step limit")
    return "expected the step limit, but " + describe(r);
  return "";
}

/// A check for child(): the run ends with exactly the trace `want`.
std::string expect_trace(const std::string& text, const std::vector<std::string>& want,
                         const sc::run_options& opts = {}) {
  sc::execution r;
  try {
    r = sc::run(sc::parse(text, "FILE"), opts);
  } catch (const sc::bad_input& e) {
    return std::string("expected a trace, got bad_input: ") + e.what();
  }
  if (r.trace == want) return "";
  std::string s = "expected the trace:";
  for (const auto& l : want) s += "\n    " + l;
  return s + "\nbut " + describe(r);
}

// ---- the corpus: tests/bad/NAME.json and NAME.err ----

std::vector<std::string> corpus_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(WEFT_BAD_INPUT_DIR), ec))
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

class BadInputCorpus : public testing::TestWithParam<std::string> {};

TEST_P(BadInputCorpus, GivesTheExpectedError) {
  const fs::path dir(WEFT_BAD_INPUT_DIR);
  const fs::path json = dir / (GetParam() + ".json");
  const fs::path err = dir / (GetParam() + ".err");
  ASSERT_TRUE(fs::exists(err)) << "tests/bad/" << GetParam()
                               << ".err is missing: write the exact what() the file must get, with its path written FILE";
  expect_same_message("tests/bad/" + GetParam() + ".json", without_final_newline(read_bytes(err)),
                      error_of_file(json.string()));
}

INSTANTIATE_TEST_SUITE_P(Files, BadInputCorpus, testing::ValuesIn(corpus_names()),
                         weft_test::camel_case_name{});

TEST(BadInputCorpusFiles, OneErrorPerFileEachWithItsExpectation) {
  const fs::path dir(WEFT_BAD_INPUT_DIR);
  const auto names = corpus_names();
  EXPECT_GE(names.size(), 20u) << "the issue asks for at least 20 kinds of bad input";
  std::vector<std::string> messages;
  for (const auto& e : fs::directory_iterator(dir)) {
    const fs::path p = e.path();
    if (p.extension() == ".err") {
      EXPECT_TRUE(fs::exists(fs::path(p).replace_extension(".json"))) << p << " has no .json";
      const std::string text = without_final_newline(read_bytes(p));
      EXPECT_EQ(text.find('\n'), std::string::npos) << p << ": one message, on one line";
      EXPECT_EQ(text.rfind("FILE: ", 0), 0u) << p << ": a message starts with the file, written FILE";
      EXPECT_EQ(text.find(dir.string()), std::string::npos) << p << ": write the path as FILE";
      messages.push_back(text);
    } else {
      EXPECT_EQ(p.extension(), ".json") << p << ": tests/bad holds only NAME.json and NAME.err";
    }
  }
  // One file per kind of error: no two files expect the same message.
  std::sort(messages.begin(), messages.end());
  auto dup = std::adjacent_find(messages.begin(), messages.end());
  EXPECT_EQ(dup, messages.end()) << "two files expect the same error: " << (dup == messages.end() ? "" : *dup);
}

// ---- the parser accepts every op with every field the format gives it ----

TEST(ScenarioParseTest, EveryOpAcceptsTheFieldsOfTheSpec) {
  // One statement per op with all its fields (docs/scenario-format.md), in a body the
  // parser accepts: unknown-field and missing-field errors must come from the
  // format's field lists and nothing else.
  const std::vector<std::string> statements = {
      R"({"op": "log", "msg": "hello {x}"})",
      R"({"op": "sleep", "d": 1})",
      R"({"op": "spawn", "var": "t", "coro": "w", "name": "worker", "eager": true})",
      R"({"op": "spawn", "var": "t2", "coro": "w", "name": "in_group", "group": "tg"})",
      R"({"op": "await", "aw": {"task": "t"}, "into": "r"})",
      R"({"op": "cancel", "var": "t", "msg": "bye", "into": "r"})",
      R"({"op": "state", "var": "t"})",
      R"({"op": "return", "value": "$x"})",
      R"({"op": "raise", "exc": "Oops", "msg": "bad"})",
      R"({"op": "try", "body": [], "handlers": [{"exc": "Oops", "as": "e", "body": [{"op": "reraise"}]}], "finally": []})",
      R"({"op": "gather", "items": [{"task": "t"}, {"coro": "w"}], "return_exceptions": true, "into": "r"})",
      R"({"op": "wait", "items": [{"task": "t"}], "timeout": 3, "return_when": "FIRST_EXCEPTION", "into": "r"})",
      R"({"op": "wait_for", "aw": {"coro": "w"}, "timeout": null, "into": "r"})",
      R"({"op": "shield", "aw": {"task": "t"}, "into": "r"})",
      R"({"op": "timeout", "d": null, "as": "cm", "body": []})",
      R"({"op": "timeout_at", "when": 5, "as": "cm", "body": []})",
      R"({"op": "reschedule", "cm": "cm", "when": 7})",
      R"({"op": "reschedule", "cm": "cm", "d": null})",
      R"({"op": "expired", "cm": "cm"})",
      R"({"op": "taskgroup", "as": "tg", "body": []})",
      R"({"op": "uncancel", "into": "r"})",
      R"({"op": "cancelling"})",
      R"({"op": "eager_factory", "on": false})",
      R"({"op": "set", "var": "x", "value": 1})",
      R"({"op": "add", "var": "x", "value": -1})",
      R"({"op": "assert", "var": "x", "eq": null})",
      R"({"op": "event", "var": "ev"})",
      R"({"op": "event_set", "var": "ev"})",
      R"({"op": "event_clear", "var": "ev"})",
      R"({"op": "event_wait", "var": "ev"})",
      R"({"op": "lock", "var": "lk"})",
      R"({"op": "semaphore", "var": "sem", "value": 2, "bounded": true})",
      R"({"op": "acquire", "var": "sem"})",
      R"({"op": "release", "var": "sem"})",
      R"({"op": "locked", "var": "lk"})",
      R"({"op": "queue", "var": "q", "maxsize": 2, "kind": "priority"})",
      R"({"op": "put", "var": "q", "value": "$x", "nowait": true})",
      R"({"op": "get", "var": "q", "into": "r", "nowait": false})",
      R"({"op": "task_done", "var": "q"})",
      R"({"op": "join", "var": "q"})",
  };
  for (const auto& s : statements) {
    const std::string text = R"({"coros": {"main": [)" + s + R"(], "w": []}})";
    try {
      sc::parse(text, "FILE");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "the format allows " << s << "\nbut parse says: " << e.what();
    }
  }
}

// ---- hostile input the parser must reject fast ----

TEST(ScenarioParseTest, MegabytesOfStatementsHitTheStatementLimit) {
  // 100,001 statements in one body, 2.6 MB: one too many. (Parsing must stay
  // linear: this takes seconds, not minutes, when it does.)
  const sc::limits lim;
  const std::string text = R"({"coros": {"main": [)" +
                           repeat_joined(R"({"op": "log", "msg": "x"})", lim.max_statements + 1) + "]}}";
  ASSERT_GT(text.size(), std::size_t{2} << 20);
  EXPECT_EQ(parse_error(text), "FILE: /coros/main/" + std::to_string(lim.max_statements) +
                                   ": too many statements (the limit is " + std::to_string(lim.max_statements) + ")");
}

TEST(ScenarioParseTest, StatementWithThirtyThousandFieldsIsRejected) {
  // A statement object with 30,000 keys (0.4 MB): the first unknown one is the error.
  std::string fields;
  for (int i = 0; i < 30000; ++i) fields += ", \"k" + std::to_string(i) + "\": 0";
  const std::string text = R"({"coros": {"main": [{"op": "log", "msg": "x")" + fields + "}]}}";
  EXPECT_EQ(parse_error(text), "FILE: /coros/main/0/k0: unknown field 'k0' for op 'log'");
}

TEST(ScenarioParseTest, TooManyCoroutinesAreRejected) {
  const sc::limits lim;
  std::string coros = R"("main": [])";
  for (std::size_t i = 0; i < lim.max_coros; ++i) coros += ", \"c" + std::to_string(i) + "\": []";
  EXPECT_EQ(parse_error("{\"coros\": {" + coros + "}}"), "FILE: /coros: too many coroutines (10001; the limit is 10000)");
}

TEST(ScenarioParseTest, DeepJsonNestingIsRejected) {
  const std::string want = "FILE: nesting too deep (more than 64 levels of bodies)";
  // A million unclosed brackets.
  EXPECT_EQ(parse_error(std::string(1000000, '[')), want);
  // 100,000 balanced levels of lists, and of objects, where a body belongs.
  EXPECT_EQ(parse_error(R"({"coros": {"main": )" + std::string(100000, '[') + std::string(100000, ']') + "}}"), want);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += R"({"a": )";
  objects += "1" + std::string(100000, '}');
  EXPECT_EQ(parse_error(R"({"coros": {"main": [)" + objects + "]}}"), want);
}

/// A body of `n` nested try statements around a log.
std::string nested_tries(int n) {
  std::string open, close;
  for (int i = 0; i < n; ++i) {
    open += R"([{"op": "try", "body": )";
    close += "}]";
  }
  return open + R"([{"op": "log", "msg": "deep"}])" + close;
}

TEST(ScenarioParseTest, BodiesNestedDeeperThanTheLimitAreRejected) {
  const sc::limits lim;
  const int depth = static_cast<int>(lim.max_depth);  // main's body is level 1
  EXPECT_EQ(parse_error(R"({"coros": {"main": )" + nested_tries(depth - 1) + "}}"),
            "(no error: the text parsed, " + std::to_string(depth) + " statements)");
  std::string where = "/coros/main";
  for (int i = 0; i < depth; ++i) where += "/0/body";
  EXPECT_EQ(parse_error(R"({"coros": {"main": )" + nested_tries(depth) + "}}"),
            "FILE: " + where + ": nesting too deep (more than " + std::to_string(depth) + " levels)");
}

TEST(ScenarioParseTest, TenMegabyteFileIsRejected) {
  const std::size_t size = std::size_t{10} << 20;
  std::string text = R"({"coros": {"main": []}, "why": ")";
  text += std::string(size - text.size() - 2, 'x') + "\"}";
  ASSERT_EQ(text.size(), size);
  EXPECT_EQ(parse_error(text), "FILE: file too large (10485760 bytes; the limit is 8388608)");

  const fs::path file =
      fs::path(testing::TempDir()) / ("weft_scenario_parse_test_10mb_" + std::to_string(::getpid()) + ".json");
  write_bytes(file, text);
  EXPECT_EQ(error_of_file(file.string()), "FILE: file too large (10485760 bytes; the limit is 8388608)");
  fs::remove(file);
}

TEST(ScenarioParseTest, HugeStringIsRejected) {
  const std::string text = R"({"coros": {"main": [{"op": "log", "msg": ")" + std::string(7000000, 'y') + "\"}]}}";
  EXPECT_EQ(parse_error(text), "FILE: /coros/main/0/msg: string too long (7000000 bytes; the limit is 4096)");
}

TEST(ScenarioParseTest, HugeNamesAreNotCopiedIntoTheMessage) {
  // A megabyte-long field name or coroutine name is an error; the message names
  // the place, but must not repeat the megabyte (the pointer holds the name).
  const std::string key(1000000, 'k');
  const std::string texts[] = {
      R"({"coros": {"main": [{"op": "log", "msg": "x", ")" + key + R"(": 1}]}})",
      R"({"coros": {"main": [], ")" + key + R"(": []}})",
  };
  for (const auto& text : texts) {
    const std::string got = parse_error(text);
    EXPECT_EQ(got.rfind("FILE: ", 0), 0u) << clip(got);
    EXPECT_LT(got.size(), 10000u) << "an error message of " << got.size() << " bytes: " << clip(got);
  }
}

TEST(ScenarioParseTest, HugeNumbersAreRejected) {
  // Integers past int64, floats past double, and a 100,000-digit number.
  const std::string numbers[] = {"123456789012345678901234567890", "-123456789012345678901234567890", "1e400",
                                 "-1e400", "1" + std::string(100000, '0'), "18446744073709551616"};
  for (const auto& n : numbers) {
    const std::string got = parse_error(R"({"coros": {"main": [{"op": "sleep", "d": )" + n + "}]}}");
    EXPECT_EQ(got.rfind("FILE: ", 0), 0u) << "d = " << clip(n, 40) << ": " << clip(got);
    EXPECT_LT(got.size(), 10000u) << "d = " << clip(n, 40) << ": " << clip(got);
  }
}

TEST(ScenarioParseTest, BinaryGarbageIsRejected) {
  lcg rng(20260101);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng.below(600), '\0');
    for (auto& b : bytes) b = static_cast<char>(rng.below(256));
    if (i % 2) bytes.insert(0, R"({"coros": {"main": [)");  // garbage where a statement belongs
    const std::string got = parse_error(bytes);
    ASSERT_EQ(got.rfind("FILE: ", 0), 0u) << "input " << i << ": " << clip(got);
  }
}

TEST(ScenarioParseTest, ErrorMessagesArePrintable) {
  // Raw bytes of a binary file must not reach the user's terminal: a message
  // names a bad byte by its value.
  lcg rng(7);
  int reported = 0;
  for (int i = 0; i < 300 && reported < 5; ++i) {
    std::string bytes(1 + rng.below(64), '\0');
    for (auto& b : bytes) b = static_cast<char>(0x80 + rng.below(128));
    if (i % 2) bytes.insert(0, R"({"coros": {"main": [{"op": "log", "msg": ")");
    const std::string got = parse_error(bytes);
    if (!printable_ascii(got)) {
      ++reported;
      ADD_FAILURE() << "input " << i << " gets a message with raw bytes: " << clip(got);
    }
  }
}

TEST(ScenarioParseTest, TextAfterTheObjectIsRejectedEvenAfterANulByte) {
  // A NUL byte is not the end of the file: what follows is still extra data.
  const std::string text = std::string(R"({"coros": {"main": []}})") + '\0' + "garbage";
  const std::string got = parse_error(text);
  EXPECT_EQ(got.rfind("FILE: ", 0), 0u) << "a file with bytes after its object is bad input: " << clip(got);
}

TEST(ScenarioParseTest, EveryTruncationIsRejected) {
  const std::string valid =
      R"({"name": "cut", "coros": {"main": [{"op": "spawn", "var": "t1", "coro": "slow"}, )"
      R"({"op": "log", "msg": "started {t1}"}, {"op": "try", "body": [{"op": "await", "aw": {"task": "t1"}, "into": "r"}], )"
      R"("handlers": [{"exc": "Oops", "as": "e", "body": [{"op": "log", "msg": "caught {e}"}]}]}], )"
      R"("slow": [{"op": "sleep", "d": -5}, {"op": "raise", "exc": "Oops", "msg": "no"}]}})";
  ASSERT_EQ(parse_error(valid), "(no error: the text parsed, 7 statements)");
  for (std::size_t n = 0; n < valid.size(); ++n) {
    const std::string got = parse_error(valid.substr(0, n));
    ASSERT_EQ(got.rfind("FILE: not valid JSON: ", 0), 0u) << "the first " << n << " bytes: " << clip(got);
  }
}

TEST(ScenarioParseTest, MangledScenariosGetBadInputOrRun) {
  // Random byte edits of a valid scenario: each either parses (and then runs,
  // bounded by a small step limit) or gets bad_input; never anything else.
  const std::string valid =
      R"({"coros": {"main": [{"op": "spawn", "var": "t1", "coro": "slow", "name": "w"}, {"op": "set", "var": "n", "value": 1}, )"
      R"({"op": "add", "var": "n", "value": 2}, {"op": "log", "msg": "n={n}"}, {"op": "try", "body": [)"
      R"({"op": "await", "aw": {"task": "t1"}, "into": "r"}], "handlers": [{"exc": "Oops", "as": "e", "body": []}], )"
      R"("finally": [{"op": "state", "var": "t1"}]}, {"op": "gather", "items": [{"coro": "slow"}], "return_exceptions": true}, )"
      R"({"op": "cancel", "var": "t1", "msg": "m", "into": "c"}, {"op": "assert", "var": "n", "eq": 3}, {"op": "return", "value": "$n"}], )"
      R"("slow": [{"op": "sleep", "d": 2}, {"op": "raise", "exc": "Oops", "msg": "no"}]}})";
  const std::string alphabet = "{}[]\":,$.-0123456789 abcdeflnorstuvxyz_~\\";
  lcg rng(42);
  for (int i = 0; i < 3000; ++i) {
    std::string text = valid;
    for (std::uint32_t k = 1 + rng.below(3); k > 0; --k) {
      const std::size_t at = rng.below(static_cast<std::uint32_t>(text.size()));
      const char c = alphabet[rng.below(static_cast<std::uint32_t>(alphabet.size()))];
      switch (rng.below(3)) {
        case 0: text[at] = c; break;
        case 1: text.insert(at, 1, c); break;
        default: text.erase(at, 1); break;
      }
    }
    try {
      sc::run(sc::parse(text, "FILE"), {.max_steps = 2000});
    } catch (const sc::bad_input&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a bad_input but " << e.what() << " for:\n" << clip(text, 4000);
    } catch (...) {
      ADD_FAILURE() << "not a bad_input but an exception that is not a std::exception for:\n" << clip(text, 4000);
    }
  }
}

// ---- programs that never end, and runs that must not crash ----

/// main spawns a task that spawns a copy of itself, forever; main's sleep never
/// ends because the clock only moves when nothing is ready.
const char* const spawns_itself_forever = R"({"coros": {
  "main": [{"op": "spawn", "var": "t", "coro": "again"}, {"op": "sleep", "d": 1}],
  "again": [{"op": "log", "msg": "again"}, {"op": "spawn", "var": "t", "coro": "again"}]}})";

TEST(ScenarioRunTest, ProgramThatSpawnsItselfForeverStopsAtTheStepLimit) {
  const sc::execution r = sc::run(sc::parse(spawns_itself_forever, "FILE"), {.max_steps = 10000});
  EXPECT_EQ(r.end, sc::ending::step_limit);
  ASSERT_FALSE(r.trace.empty());
  EXPECT_EQ(r.trace.back(), "= step limit");
  EXPECT_GE(r.steps, 10000u);
  // Every line before it is a log of the running program: no "= main" or "= t" lines.
  for (std::size_t i = 0; i + 1 < r.trace.size(); ++i) ASSERT_EQ(r.trace[i], "0 t: again") << "line " << i + 1;
  EXPECT_GT(r.trace.size(), 4000u);
}

TEST(ScenarioRunTest, DefaultStepLimitThroughTheCli) {
  // A cheap program (30 statements per spawn) that never ends, run with the
  // default limit of 1,000,000 statements through `weft trace`.
  std::string again;
  for (int i = 0; i < 30; ++i) again += R"({"op": "set", "var": "n", "value": 1}, )";
  const std::string text = R"({"coros": {"main": [{"op": "spawn", "var": "t", "coro": "again"}, {"op": "sleep", "d": 1}], "again": [)" +
                           again + R"({"op": "spawn", "var": "t", "coro": "again"}]}})";
  const fs::path dir = fs::path(testing::TempDir()) / ("weft_scenario_parse_test_cli_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "forever.json", out = dir / "out.txt", err = dir / "err.txt";
  write_bytes(file, text);
  const std::string cmd =
      std::string("'") + WEFT_CLI + "' trace '" + file.string() + "' >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  ASSERT_NE(status, -1);
  ASSERT_TRUE(WIFEXITED(status)) << "weft did not exit normally: status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(read_bytes(out), "= step limit\n");
  EXPECT_EQ(read_bytes(err),
            file.string() + ": the run reached the step limit (1000000 statements): the program does not end\n");
  fs::remove_all(dir);
}

TEST(ScenarioRunDeathTest, CoroutineAwaitingItselfForeverStopsAtTheStepLimit) {
  // `await c()` inside c, without end: Python's recursion limit stops it, and the
  // oracle ends that run as the step limit ("= step limit"). weft must not
  // overflow its stack first.
  const std::string text = R"({"coros": {"main": [{"op": "log", "msg": "down"}, {"op": "await", "aw": {"coro": "main"}}]}})";
  EXPECT_EXIT(child([&] { return expect_step_limit(text, {.max_steps = 200000}); }), testing::ExitedWithCode(0), "");
}

TEST(ScenarioRunDeathTest, AwaitChainDeeperThanTheCallLimitEndsAtTheStepLimit) {
  // main awaits c1, which awaits c2, ... c3000 logs. Each `await {"coro": ...}`
  // runs inline, nesting on the stack; weft stops past max_call_depth (250)
  // with "= step limit", as a RecursionError ends a run, instead of
  // overflowing the stack (g++ -O0 does not turn symmetric transfer into a
  // tail call). The oracle raises Python's limit to 60,000 and prints the
  // trace: a documented difference.
  std::string coros = R"("main": [{"op": "await", "aw": {"coro": "c1"}}, {"op": "log", "msg": "back"}])";
  for (int i = 1; i < 3000; ++i)
    coros += ", \"c" + std::to_string(i) + R"(": [{"op": "await", "aw": {"coro": "c)" + std::to_string(i + 1) + "\"}}]";
  coros += R"(, "c3000": [{"op": "log", "msg": "bottom"}])";
  const std::string text = "{\"coros\": {" + coros + "}}";
  EXPECT_EXIT(child([&] { return expect_step_limit(text, {}); }), testing::ExitedWithCode(0), "");
}

TEST(ScenarioRunDeathTest, AwaitChainWithinTheCallLimitRuns) {
  // The same chain 200 deep runs to its end, as on CPython.
  std::string coros = R"("main": [{"op": "await", "aw": {"coro": "c1"}}, {"op": "log", "msg": "back"}])";
  for (int i = 1; i < 200; ++i)
    coros += ", \"c" + std::to_string(i) + R"(": [{"op": "await", "aw": {"coro": "c)" + std::to_string(i + 1) + "\"}}]";
  coros += R"(, "c200": [{"op": "log", "msg": "bottom"}])";
  const std::string text = "{\"coros\": {" + coros + "}}";
  EXPECT_EXIT(child([&] { return expect_trace(text, {"0 main: bottom", "0 main: back", "= main result None"}); }),
              testing::ExitedWithCode(0), "");
}

TEST(ScenarioRunDeathTest, EagerTaskSpawningItselfForeverDoesNotCrash) {
  // Each eager task runs its first step, which spawns the next eager task, inside
  // create_task: the recursion never returns to the loop.
  const std::string text = R"({"coros": {"main": [{"op": "spawn", "var": "t", "coro": "again", "eager": true}],
    "again": [{"op": "spawn", "var": "t", "coro": "again", "eager": true}]}})";
  EXPECT_EXIT(child([&] { return expect_step_limit(text, {.max_steps = 200000}); }), testing::ExitedWithCode(0), "");
}

TEST(ScenarioRunDeathTest, CancellingALongChainOfAwaitingTasksDoesNotCrash) {
  // 100,000 tasks, each awaiting the next (one per tick); when main returns, the
  // shutdown cancels the first, whose cancel() cancels the task it awaits, and so
  // on down the chain. CPython recurses here (RecursionError); weft must end the
  // run cleanly, as the step limit or as bad input, not overflow its stack.
  const std::string text = R"({"coros": {"main": [{"op": "spawn", "var": "t", "coro": "link"}, {"op": "sleep", "d": 100000}],
    "link": [{"op": "sleep", "d": 1}, {"op": "spawn", "var": "t", "coro": "link"}, {"op": "await", "aw": {"task": "t"}}]}})";
  EXPECT_EXIT(child([&] {
                std::string o = outcome_of(text);
                if (o.rfind("bad_input: ", 0) == 0 || o.find("(step_limit)") != std::string::npos) return std::string();
                return "expected the step limit or bad input, but " + o;
              }),
              testing::ExitedWithCode(0), "");
}

/// A program that nests a list `depth` thousand levels deep (x = [x], by a
/// gather of one coroutine returning x), then runs `tail` (statements).
std::string deep_list_program(int thousands, const std::string& tail) {
  std::string thousand = repeat_joined(R"({"op": "gather", "items": [{"coro": "get_x"}], "into": "x"})", 1000);
  std::string main = R"({"op": "set", "var": "x", "value": 0}, )" +
                     repeat_joined(R"({"op": "await", "aw": {"coro": "nest_1000"}})", static_cast<std::size_t>(thousands));
  return R"({"coros": {"main": [)" + main + ", " + tail + R"(], "nest_1000": [)" + thousand +
         R"(], "get_x": [{"op": "return", "value": "$x"}]}})";
}

TEST(ScenarioRunDeathTest, DeeplyNestedListIsFreedWithoutCrashing) {
  // x = [[[...0...]]] 200,000 levels deep (a valid program: CPython prints the
  // two lines below); freeing it must not recurse once per level.
  const std::string text = deep_list_program(200, R"({"op": "log", "msg": "built"})");
  // weft bounds list nesting at 100 (so that freeing, comparing and rendering
  // never recurse without bound): building this list is bad input, named at
  // the gather that nests too deep.
  EXPECT_EXIT(child([&] {
                std::string o = outcome_of(text);
                if (o.find("lists nested more than 100 deep") != std::string::npos) return std::string();
                return "expected bad input: lists nested more than 100 deep, but " + clip(o, 1000);
              }),
              testing::ExitedWithCode(0), "");
}

TEST(ScenarioRunDeathTest, DeeplyNestedListEqualsItself) {
  // assert x == y where y is x: Python's list comparison checks identity first
  // (PyObject_RichCompareBool), so CPython passes the assert at once.
  const std::string text = deep_list_program(
      200, R"({"op": "set", "var": "y", "value": "$x"}, {"op": "assert", "var": "x", "eq": "$y"})");
  // weft bounds list nesting at 100 (so that freeing, comparing and rendering
  // never recurse without bound): building this list is bad input, named at
  // the gather that nests too deep.
  EXPECT_EXIT(child([&] {
                std::string o = outcome_of(text);
                if (o.find("lists nested more than 100 deep") != std::string::npos) return std::string();
                return "expected bad input: lists nested more than 100 deep, but " + clip(o, 1000);
              }),
              testing::ExitedWithCode(0), "");
}

TEST(ScenarioRunDeathTest, RenderingADeeplyNestedListDoesNotCrash) {
  // Rendering x (200,000 levels) in a log: CPython's repr hits the recursion
  // limit, which the oracle ends as "= step limit". weft must end cleanly: as
  // the step limit, or as bad input naming the log statement.
  const std::string text = deep_list_program(200, R"({"op": "log", "msg": "x is {x}"})");
  EXPECT_EXIT(child([&] {
                std::string o = outcome_of(text);
                if (o.rfind("bad_input: FILE: /coros/main/201/msg: ", 0) == 0 || o.find("(step_limit)") != std::string::npos ||
                    o.find("lists nested more than 100 deep") != std::string::npos)
                  return std::string();
                return "expected the step limit or bad input at /coros/main/201/msg, but " + clip(o, 1000);
              }),
              testing::ExitedWithCode(0), "");
}

TEST(ScenarioRunDeathTest, ClockBeyondWeftsRangeIsNotWrapped) {
  // Ten sleeps of 10^9 ticks put the clock at 10^10 ticks, past what weft's
  // nanosecond clock holds (about 9.2 * 10^9 seconds). CPython logs at
  // 10000000000; weft must log the same or report bad input at the sleep that
  // leaves its range, never wrap around or log a wrong time.
  std::string text = R"({"coros": {"main": [)";
  for (int i = 0; i < 10; ++i) text += R"({"op": "sleep", "d": 1000000000}, )";
  text += R"({"op": "log", "msg": "late"}]}})";
  EXPECT_EXIT(child([&] {
                std::string o = outcome_of(text);
                if (o.rfind("bad_input: FILE: /coros/main/9/d: ", 0) == 0) return std::string();
                return expect_trace(text, {"10000000000 main: late", "= main result None"});
              }),
              testing::ExitedWithCode(0), "");
}

TEST(ScenarioRunDeathTest, TraceOfHugeLinesStaysBounded) {
  // A 1 KB program that logs a 65,536-byte string from a chain of tasks that
  // never ends: a million statements would make a 32 GB trace. The run must end
  // as bad input or at the step limit within 1 GiB.
#ifdef WEFT_TEST_ASAN
  GTEST_SKIP() << "ASan's allocator is not bounded by RLIMIT_AS; this test would take the machine's memory";
#else
  const std::string text = R"({"coros": {
    "main": [{"op": "set", "var": "s", "value": "0123456789012345"},
             {"op": "add", "var": "s", "value": "$s"}, {"op": "add", "var": "s", "value": "$s"},
             {"op": "add", "var": "s", "value": "$s"}, {"op": "add", "var": "s", "value": "$s"},
             {"op": "add", "var": "s", "value": "$s"}, {"op": "add", "var": "s", "value": "$s"},
             {"op": "add", "var": "s", "value": "$s"}, {"op": "add", "var": "s", "value": "$s"},
             {"op": "add", "var": "s", "value": "$s"}, {"op": "add", "var": "s", "value": "$s"},
             {"op": "add", "var": "s", "value": "$s"}, {"op": "add", "var": "s", "value": "$s"},
             {"op": "spawn", "var": "t", "coro": "again"}, {"op": "sleep", "d": 1}],
    "again": [{"op": "log", "msg": "{s}"}, {"op": "spawn", "var": "t", "coro": "again"}]}})";
  EXPECT_EXIT(child([&] {
                std::string o = outcome_of(text);
                if (o.rfind("bad_input: ", 0) == 0 || o.find("(step_limit)") != std::string::npos) return std::string();
                return "expected bad input or the step limit, but " + clip(o, 1000);
              }),
              testing::ExitedWithCode(0), "");
#endif
}

}  // namespace
