#pragma once
/// A scenario as the simulator's program: one run of it under a scheduler,
/// and why that run failed (a weft::sim::failure).

#include <functional>
#include <string>

#include <weft/scenario/program.hpp>
#include <weft/sim/run.hpp>

namespace weft::scenario {

/// What counts as a failure besides a failed assert, a deadlock, a step limit
/// and an exception escaping main.
struct failure_options {
  /// A task that ended with an exception nobody retrieved fails the run.
  bool fail_on_unretrieved = false;
};

/// Runs `prog` (which must outlive the result) once per call. `on_line`, if
/// set, is shown each trace line as the run appends it (run_options::on_line).
weft::sim::program sim_program(const program& prog, failure_options opts = {},
                               std::function<void(const std::string& line)> on_line = {});

}  // namespace weft::scenario
