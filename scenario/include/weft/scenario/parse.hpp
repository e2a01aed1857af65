#pragma once
/// Reading scenario files: JSON text to a validated program, or a clear error
/// naming the file, the place (a JSON pointer) and the problem.

#include <stdexcept>
#include <string>
#include <string_view>

#include "weft/scenario/program.hpp"

namespace weft::scenario {

/// Bad input: a malformed or invalid scenario. what() reads
/// "FILE: /coros/main/3/op: unknown op 'sleeep'".
class bad_input : public std::runtime_error {
 public:
  bad_input(const std::string& file, const std::string& where, const std::string& problem);
  const std::string& where() const noexcept { return where_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  std::string where_, problem_;
};

/// Parses and validates scenario text. `file` names it in errors. Throws bad_input.
program parse(std::string_view text, const std::string& file, const limits& lim = {});

/// Reads and parses a scenario file. Throws bad_input (an unreadable file too).
program parse_file(const std::string& path, const limits& lim = {});

}  // namespace weft::scenario
