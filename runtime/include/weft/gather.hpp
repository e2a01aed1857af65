#pragma once
/// weft::gather: asyncio.gather.

#include <algorithm>
#include <cstddef>
#include <exception>
#include <optional>
#include <ranges>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "weft/detail/awaitables.hpp"
#include "weft/detail/planted.hpp"
#include "weft/future.hpp"
#include "weft/outcome.hpp"

namespace weft {

/// Tag for gather(return_exceptions, ...): asyncio's return_exceptions=True.
struct return_exceptions_t {
  explicit return_exceptions_t() = default;
};
inline constexpr return_exceptions_t return_exceptions{};

namespace detail {

#if defined(WEFT_PLANTED_BUGS) && WEFT_PLANTED_BUGS
template <class X>
inline constexpr bool is_std_vector = false;
template <class X>
inline constexpr bool is_std_vector<std::vector<X>> = true;
#endif

/// asyncio's _GatheringFuture without its result type: the children, and
/// whether a cancel() reached one of them.
class gathering_base : public future_base {
 public:
  /// _GatheringFuture.cancel: cancels every child (duplicates too, as
  /// asyncio). Walked by cancel_chain with Task.cancel, which it calls.
  bool cancel(std::optional<std::string> msg) override { return cancel_chain(this, msg); }
  /// The children, one per argument (repeats included), in argument order.
  std::vector<ref_ptr<future_base>>& children() noexcept { return children_; }

 protected:
  gathering_base(event_loop& loop, std::vector<ref_ptr<future_base>> children)
      : future_base(loop), children_(std::move(children)) {
    kind_ = kind::gathering;
  }
  friend bool cancel_chain(future_base* f, const std::optional<std::string>& msg);

  std::vector<ref_ptr<future_base>> children_;
  bool cancel_requested_ = false;
};

/// asyncio's _GatheringFuture plus gather's _done_callback. R is the result
/// (a tuple or a vector); collect_ builds it from the children.
template <class R>
class gather_state final : public gathering_base {
 public:
  using collector = R (*)(const std::vector<ref_ptr<future_base>>&, bool return_exceptions);

  gather_state(event_loop& loop, std::vector<ref_ptr<future_base>> children, std::size_t nfuts, bool return_exc,
               collector collect)
      : gathering_base(loop, std::move(children)), nfuts_(nfuts), return_exceptions_(return_exc), collect_(collect) {}

  void* value_ptr() const noexcept override { return const_cast<value_slot<R>*>(&slot_); }

  void child_done(future_base* fut) override {
    ++nfinished_;
#if defined(WEFT_PLANTED_BUGS) && WEFT_PLANTED_BUGS
    finished_.emplace_back(fut);
#endif
    if (done()) {
      if (!fut->cancelled()) (void)fut->exception();
      return;
    }
    if (!return_exceptions_) {
      if (fut->cancelled()) return set_exception(fut->make_cancelled_error());
      if (std::exception_ptr exc = fut->exception()) return set_exception(exc);
    }
    if (nfinished_ == nfuts_) {
      if (cancel_requested_) {
        // asyncio reads the loop variable left by its results loop: the last child.
        set_exception(children_.back()->make_cancelled_error());
      } else {
        slot_.emplace(collect_(results_order(), return_exceptions_));
        finish_with_result();
      }
    }
  }

  value_slot<R> slot_;

 private:
  /// The children in the order their results are listed: argument order.
  const std::vector<ref_ptr<future_base>>& results_order() const noexcept {
#if defined(WEFT_PLANTED_BUGS) && WEFT_PLANTED_BUGS
    // Planted bug: completion order (only where the results share one type).
    if constexpr (is_std_vector<R>)
      if (WEFT_PLANTED(gather_completion_order) && finished_.size() == children_.size()) return finished_;
#endif
    return children_;
  }

#if defined(WEFT_PLANTED_BUGS) && WEFT_PLANTED_BUGS
  std::vector<ref_ptr<future_base>> finished_;
#endif
  std::size_t nfuts_;
  std::size_t nfinished_ = 0;
  bool return_exceptions_;
  collector collect_;
};

/// One element of gather's result list for a child of type T.
template <class E, class T>
E gathered(future_base* f) {
  // gather's results loop: a cancelled child becomes CancelledError(msg or '').
  if (f->cancelled()) return E(std::make_exception_ptr(cancelled_error(f->cancel_message().value_or(""))));
  if (std::exception_ptr e = f->exception()) return E(e);
  return E(take_value<T>(f));
}

/// gather's body: ensure_future each argument (deduplicating repeats), then
/// register the done callback or, for children already done, run it at once.
template <class R>
future<R> start_gather(std::vector<ref_ptr<future_base>> args, bool return_exc,
                       typename gather_state<R>::collector collect) {
  // asyncio's arg_to_fut: each distinct future once, in order. A future is
  // marked from its first occurrence until the second pass unmarks it there
  // (or, if something throws, the guard does).
  std::vector<future_base*> done_futs;
  std::size_t nfuts = 0;
  event_loop* loop = nullptr;
  struct unmark {
    std::vector<ref_ptr<future_base>>* futs;
    ~unmark() {
      if (futs)
        for (auto& f : *futs) f->set_marked(false);
    }
  } clear_marks{&args};
  for (auto& fut : args) {
    event_loop& l = fut->loop();
    if (!loop) loop = &l;
    if (&l != loop)
      throw std::invalid_argument("The future belongs to a different loop than the one specified as the loop argument");
    if (!fut->marked()) {
      fut->set_marked(true);
      ++nfuts;
      if (fut->done()) done_futs.push_back(fut.get());
    }
  }
  if constexpr (std::is_default_constructible_v<R>) {
    if (!loop) {
      // gather() with nothing to wait for: a future already done with [].
      future<R> done(get_running_loop());
      done.set_result(R{});
      return done;
    }
  }
  ref_ptr<future_base> outer(new gather_state<R>(*loop, std::move(args), nfuts, return_exc, collect));
  auto* g = static_cast<gather_state<R>*>(outer.get());
  clear_marks.futs = &g->children();
  for (const ref_ptr<future_base>& fut : g->children()) {
    if (!fut->marked()) continue;  // a repeat
    fut->set_marked(false);
    if (!fut->done()) fut->add_gatherer(outer);
  }
  clear_marks.futs = nullptr;
  for (future_base* fut : done_futs) g->child_done(fut);
  return future<R>(std::move(outer));
}

}  // namespace detail

/// asyncio.gather(*aws): runs the awaitables concurrently (coroutines are
/// wrapped in tasks now) and returns a future of their results, as a tuple in
/// argument order (void results are std::monostate). The first exception (or
/// cancellation) of a child is raised by the gather; the others keep running.
/// Cancelling the gather cancels every child. An argument given twice is one
/// child. Copyable results are copied out of the children; move-only ones moved.
template <class... A>
  requires(sizeof...(A) > 0 && (detail::gatherable<A> && ...))
future<std::tuple<detail::element_t<detail::arg_result_t<A>>...>> gather(A&&... aws) {
  using R = std::tuple<detail::element_t<detail::arg_result_t<A>>...>;
  std::vector<detail::ref_ptr<detail::future_base>> args{detail::ensure_future(std::forward<A>(aws))...};
  return detail::start_gather<R>(std::move(args), false,
                                 [](const std::vector<detail::ref_ptr<detail::future_base>>& c, bool) -> R {
                                   return [&]<std::size_t... I>(std::index_sequence<I...>) {
                                     return R{detail::take_value<detail::arg_result_t<A>>(c[I].get())...};
                                   }(std::index_sequence_for<A...>{});
                                 });
}

/// asyncio.gather(*aws, return_exceptions=True): as gather, but each child's
/// exception (a cancellation too) becomes its outcome instead of being raised.
template <class... A>
  requires(sizeof...(A) > 0 && (detail::gatherable<A> && ...))
future<std::tuple<outcome<detail::element_t<detail::arg_result_t<A>>>...>> gather(return_exceptions_t, A&&... aws) {
  using R = std::tuple<outcome<detail::element_t<detail::arg_result_t<A>>>...>;
  std::vector<detail::ref_ptr<detail::future_base>> args{detail::ensure_future(std::forward<A>(aws))...};
  return detail::start_gather<R>(std::move(args), true,
                                 [](const std::vector<detail::ref_ptr<detail::future_base>>& c, bool) -> R {
                                   return [&]<std::size_t... I>(std::index_sequence<I...>) {
                                     return R{detail::gathered<outcome<detail::element_t<detail::arg_result_t<A>>>,
                                                               detail::arg_result_t<A>>(c[I].get())...};
                                   }(std::index_sequence_for<A...>{});
                                 });
}

/// asyncio.gather(*aws) over a range of awaitables of one type: a future of a
/// vector of results in range order. Coroutines are moved out of the range.
/// An empty range gives a future already done with an empty vector.
template <std::ranges::input_range Range>
  requires detail::gatherable<std::ranges::range_value_t<Range>>
future<std::vector<detail::element_t<detail::arg_result_t<std::ranges::range_value_t<Range>>>>> gather(Range&& aws) {
  using T = detail::arg_result_t<std::ranges::range_value_t<Range>>;
  using R = std::vector<detail::element_t<T>>;
  std::vector<detail::ref_ptr<detail::future_base>> args;
  if constexpr (std::ranges::sized_range<Range>) args.reserve(std::ranges::size(aws));
  for (auto&& a : aws) args.push_back(detail::ensure_future(std::move(a)));
  return detail::start_gather<R>(std::move(args), false, [](const std::vector<detail::ref_ptr<detail::future_base>>& c, bool) {
    R out;
    out.reserve(c.size());
    for (auto& f : c) out.push_back(detail::take_value<T>(f.get()));
    return out;
  });
}

/// asyncio.gather(*aws, return_exceptions=True) over a range.
template <std::ranges::input_range Range>
  requires detail::gatherable<std::ranges::range_value_t<Range>>
future<std::vector<outcome<detail::element_t<detail::arg_result_t<std::ranges::range_value_t<Range>>>>>> gather(
    return_exceptions_t, Range&& aws) {
  using T = detail::arg_result_t<std::ranges::range_value_t<Range>>;
  using R = std::vector<outcome<detail::element_t<T>>>;
  std::vector<detail::ref_ptr<detail::future_base>> args;
  if constexpr (std::ranges::sized_range<Range>) args.reserve(std::ranges::size(aws));
  for (auto&& a : aws) args.push_back(detail::ensure_future(std::move(a)));
  return detail::start_gather<R>(std::move(args), true, [](const std::vector<detail::ref_ptr<detail::future_base>>& c, bool) {
    R out;
    out.reserve(c.size());
    for (auto& f : c) out.push_back(detail::gathered<outcome<detail::element_t<T>>, T>(f.get()));
    return out;
  });
}

}  // namespace weft
