#include "weft/exceptions.hpp"

#include <atomic>
#include <cstdio>
#include <new>
#include <stdexcept>
#include <typeinfo>

#include "weft/coro.hpp"
#include "weft/diagnostics.hpp"

#if defined(__GNUG__)
#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#endif

namespace weft {

const char* exception_group::what() const noexcept {
  if (what_.empty()) {
    try {
      what_ = msg_ + " (" + std::to_string(excs_.size()) + " sub-exception" + (excs_.size() == 1 ? "" : "s") + ")";
    } catch (...) {
      return msg_.c_str();
    }
  }
  return what_.c_str();
}

namespace {
std::optional<exception_group> as_group(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const exception_group& g) {
    return g;
  } catch (...) {
    return std::nullopt;
  }
}
}  // namespace

bool exception_group::all_std_exceptions() const {
  for (const auto& e : excs_) {
    if (auto g = as_group(e)) {
      if (!g->all_std_exceptions()) return false;
    } else if (!holds<std::exception>(e)) {
      return false;
    }
  }
  return true;
}

std::pair<std::optional<exception_group>, std::optional<exception_group>> exception_group::split_by(
    const std::function<bool(const std::exception_ptr&)>& leaf_match,
    const std::function<bool(const exception_group&)>& group_match) const {
  // BaseExceptionGroup.split: a group that matches goes whole to the match
  // side; otherwise each member is split, nested groups recursively, and kept
  // as groups (with this message) on each side that gets some of it.
  if (group_match(*this)) return {*this, std::nullopt};
  std::vector<std::exception_ptr> yes, no;
  for (const auto& e : excs_) {
    if (auto nested = as_group(e)) {
      auto [m, r] = nested->split_by(leaf_match, group_match);
      if (m) yes.push_back(m->excs_ == nested->excs_ ? e : std::make_exception_ptr(*m));
      if (r) no.push_back(r->excs_ == nested->excs_ ? e : std::make_exception_ptr(*r));
    } else {
      (leaf_match(e) ? yes : no).push_back(e);
    }
  }
  std::optional<exception_group> a, b;
  if (!yes.empty()) a.emplace(msg_, std::move(yes));
  if (!no.empty()) b.emplace(msg_, std::move(no));
  return {std::move(a), std::move(b)};
}

bool is_cancelled_error(const std::exception_ptr& e) noexcept { return exception_is<cancelled_error>(e); }

namespace {
std::string demangle(const char* name) {
#if defined(__GNUG__)
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> d(abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  if (status == 0 && d) return d.get();
#endif
  return name;
}
}  // namespace

std::string describe(const std::exception_ptr& e) {
  if (!e) return "no exception";
  try {
    std::rethrow_exception(e);
  } catch (const cancelled_error& c) {
    return c.message() ? "weft::cancelled_error: " + *c.message() : "weft::cancelled_error";
  } catch (const std::exception& x) {
    return demangle(typeid(x).name()) + ": " + x.what();
  } catch (...) {
#if defined(__GNUG__)
    if (const std::type_info* t = abi::__cxa_current_exception_type()) return demangle(t->name());
#endif
    return "unknown exception";
  }
}

namespace {
void default_warning(std::string_view msg) noexcept {
  std::fprintf(stderr, "weft warning: %.*s\n", static_cast<int>(msg.size()), msg.data());
}
std::atomic<warning_handler> current_handler{default_warning};
}  // namespace

warning_handler set_warning_handler(warning_handler h) noexcept {
  return current_handler.exchange(h ? h : default_warning);
}

void warn(std::string_view msg) noexcept { current_handler.load()(msg); }

namespace detail {
void warn_never_awaited(const coro_info& info) noexcept {
  try {
    warn(std::string("RuntimeWarning: coroutine '") + info.function + "' was never awaited");
  } catch (const std::bad_alloc&) {
  }
}
}  // namespace detail

}  // namespace weft
