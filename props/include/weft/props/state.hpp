#pragma once
/// Stateful properties: rapidcheck's rc::state commands, run on a loop from
/// several tasks under the generated schedule and compared with a sequential
/// model.
///
///   struct lock_model { ... };                 // what the lock should be
///   struct lock_sut { weft::lock l; ... };     // the lock and the tasks using it
///   using lock_command = weft::props::command<lock_model, lock_sut>;
///   struct acquire : lock_command { ... };     // run() starts a task that acquires
///   ...
///   template <> struct rc::Arbitrary<weft::props::script<lock_command>> {
///     static auto arbitrary() {
///       return weft::props::gen_script<lock_command>(rc::gen::just(lock_model{}),
///           rc::state::gen::execOneOfWithArgs<acquire, release, cancel_waiter>());
///     }
///   };
///   WEFT_PROP(LockState, FollowsTheModel, (const weft::props::script<lock_command>& s)) {
///     lock_sut sut;
///     co_await weft::props::run_script(s, sut);
///   }
///
/// A command's run() acts (typically by starting a task that calls the
/// primitive); the loop then settles under the generated schedule: every
/// callback that is ready, or made ready by those, runs; then the model
/// takes the command (apply) and the command compares the system with it
/// (settled). The script is a property argument, so rapidcheck shrinks the
/// commands (keeping every precondition true) together with the schedule.

#include <memory>
#include <ostream>
#include <utility>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <weft/coro.hpp>

namespace weft::props {

/// Returns once every callback that is ready, and every callback those make
/// ready, has run, so that only timers are left; virtual time moves on by the
/// smallest step. (Under jitter faults the return may come later, never earlier.)
coro<void> settle();

/// A command of a stateful property run on the loop (see the file comment):
/// an rc::state::Command with one more step, settled(), called once the loop
/// has settled after run(), with the model after apply().
template <class Model, class Sut>
struct command : rc::state::Command<Model, Sut> {
  using CommandType = command;  // what rc::state's generators yield

  /// Compares the system, now settled, with the model `after` this command.
  /// Use RC_ASSERT.
  virtual void settled(const Model& after, Sut& sut) const {
    (void)after;
    (void)sut;
  }
};

/// A generated sequence of commands and the model it starts from: the
/// argument of a stateful WEFT_PROP.
template <class Command>
struct script {
  typename Command::Model initial;
  rc::state::Commands<Command> commands;
};

/// The generator of scripts: `initial` draws the starting model, `next` is
/// called with a model and returns a generator of a command valid in it
/// (rc::state::gen::execOneOfWithArgs<...>() is one).
template <class Command, class Next>
rc::Gen<script<Command>> gen_script(rc::Gen<typename Command::Model> initial, Next next) {
  using Model = typename Command::Model;
  return rc::gen::mapcat(std::move(initial), [next](const Model& m) {
    return rc::gen::map(rc::state::gen::commands(m, next), [m](rc::state::Commands<Command> cs) {
      return script<Command>{m, std::move(cs)};
    });
  });
}

/// Shows a script in a counterexample: its commands, one per line.
template <class Command>
void showValue(const script<Command>& s, std::ostream& os) {
  os << s.commands.size() << " commands:";
  for (const auto& c : s.commands) {
    os << "\n  ";
    c->show(os);
  }
}

/// Runs a script against `sut` on the running loop: for each command, run(),
/// settle(), apply() to the model, settled(). The script is taken by value, so
/// the caller may pass a temporary.
template <class Command>
coro<void> run_script(script<Command> s, typename Command::Sut& sut) {
  typename Command::Model model = s.initial;
  for (const auto& c : s.commands) {
    c->run(model, sut);
    co_await settle();
    c->apply(model);
    c->settled(model, sut);
  }
}

}  // namespace weft::props
