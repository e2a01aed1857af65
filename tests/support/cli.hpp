#pragma once
// Test support: running the built `weft` command (WEFT_CLI) with its output
// captured, each test in a directory of its own.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace weft_test {

/// What a run of the command came to.
struct cli_result {
  int exit_code = -1;  // the exit status, or 128 + the signal that killed it
  std::string out, err;
};

/// The file's bytes ("" if it cannot be read).
std::string read_bytes(const std::filesystem::path& p);

/// `s` quoted for /bin/sh.
std::string quoted(const std::string& s);

/// A run shown for a failure message: exit status, then the start of both streams.
std::string show(const cli_result& r);

/// A fixture with its own temporary directory for scenario files and output.
class cli_fixture : public testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// Writes `text` to NAME in the test's directory; returns its path.
  std::string file(const std::string& name, const std::string& text);
  /// Runs `weft ARGS...` with stdin from /dev/null and stdout, stderr captured
  /// to files (not a terminal: no progress line).
  cli_result weft(const std::vector<std::string>& args);
  /// Runs a shell command line as weft prints it (e.g. a replay line).
  cli_result shell(std::string cmd);

  std::filesystem::path dir_;
};

}  // namespace weft_test
