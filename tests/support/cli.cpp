#include "cli.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace weft_test {

namespace fs = std::filesystem;

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string show(const cli_result& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out.substr(0, 3000) + "--- stderr:\n" +
         r.err.substr(0, 3000);
}

void cli_fixture::SetUp() {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  dir_ = fs::path(testing::TempDir()) / ("weft_" + std::string(info->test_suite_name()) + "_" +
                                         std::to_string(::getpid()) + "_" + info->name());
  fs::remove_all(dir_);
  fs::create_directories(dir_);
}

void cli_fixture::TearDown() { fs::remove_all(dir_); }

std::string cli_fixture::file(const std::string& name, const std::string& text) {
  const fs::path p = dir_ / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

cli_result cli_fixture::weft(const std::vector<std::string>& args) {
  std::string cmd = quoted(WEFT_CLI);
  for (const auto& a : args) cmd += " " + quoted(a);
  return shell(cmd);
}

cli_result cli_fixture::shell(std::string cmd) {
  const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
  cmd += " </dev/null >" + quoted(out.string()) + " 2>" + quoted(err.string());
  cli_result r;
  const int status = std::system(cmd.c_str());
  if (status != -1 && WIFEXITED(status))
    r.exit_code = WEXITSTATUS(status);
  else if (status != -1 && WIFSIGNALED(status))
    r.exit_code = 128 + WTERMSIG(status);
  r.out = read_bytes(out);
  r.err = read_bytes(err);
  return r;
}

}  // namespace weft_test
