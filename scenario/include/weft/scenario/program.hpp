#pragma once
/// A scenario as a validated program: the AST of docs/scenario-format.md.
/// Built by parse(); run by the interpreter (interpreter.hpp).

#include <cstdint>
#include <vector>
#include <string>

#include "weft/scenario/ops.hpp"

namespace weft::scenario {

/// One statement.
struct statement {
  std::string where;  // JSON pointer of the statement, for run-time errors
  op o;
};

/// A coroutine of a scenario.
struct coroutine {
  std::string name;
  body stmts;
  std::uint32_t locals = 0;  // the local variables its body names (a call's slots)
  std::string wrapped;       // "~name": the trace's label for a task a combinator wraps it in
};

/// A parsed, validated scenario.
struct program {
  std::string file;   // where it came from (for messages)
  std::string name;   // the optional top-level "name"
  name_ref main{"main"};
  std::vector<coroutine> coros;  // in name order; name_ref::index points here
  std::uint32_t globals = 0;     // the global variables it names (a run's slots)
  std::size_t statement_count = 0;
};

/// Limits that keep hostile input from exhausting memory or time.
struct limits {
  std::size_t max_file_bytes = 8u << 20;
  std::size_t max_statements = 100000;
  std::size_t max_depth = 64;          // nesting of bodies
  std::size_t max_string_bytes = 4096;
  std::size_t max_coros = 10000;
  std::uint64_t max_steps = 1000000;   // executed statements before "= step limit"
};

}  // namespace weft::scenario
