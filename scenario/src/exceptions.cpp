#include "exceptions.hpp"

#include <stdexcept>
#include <typeinfo>
#include <utility>
#include <vector>

#include <weft/weft.hpp>

namespace weft::scenario::impl {

namespace {

/// The stored object of `e` if it was thrown as exactly a T, read without a
/// rethrow (each costs thousands of instructions, and a scenario renders an
/// exception in most runs): libstdc++'s exception_ptr is the address of the
/// thrown object, and it tells the object's type. Null elsewhere.
template <class T>
const T* stored_as(const std::exception_ptr& e) noexcept {
#if defined(__GLIBCXX__) && defined(__cpp_rtti)
  static_assert(sizeof(std::exception_ptr) == sizeof(void*));
  if (!e) return nullptr;
  if (const std::type_info* type = e.__cxa_exception_type(); type && *type == typeid(T))
    return static_cast<const T*>(*reinterpret_cast<void* const*>(&e));
#endif
  (void)e;
  return nullptr;
}

/// The asyncio or Python class each of weft's exceptions mirrors, the most
/// derived first, as handler clauses go.
constexpr std::pair<bool (*)(const std::exception_ptr&) noexcept, const char*> mirrored[] = {
    {weft::exception_is<weft::cancelled_error>, "CancelledError"},
    {weft::exception_is<weft::timeout_error>, "TimeoutError"},
    {weft::exception_is<weft::invalid_state_error>, "InvalidStateError"},
    {weft::exception_is<weft::queue_full>, "QueueFull"},
    {weft::exception_is<weft::queue_empty>, "QueueEmpty"},
    {weft::exception_is<weft::exception_group>, "ExceptionGroup"},
    {weft::exception_is<std::invalid_argument>, "ValueError"},
    {weft::exception_is<std::runtime_error>, "RuntimeError"},
    {weft::exception_is<std::exception>, "Exception"},
};

/// The kind: a user kind read in place (or by a rethrow where that is not
/// possible); another by rethrows, one per class tried (kind_by_type asks once
/// per thrown type).
std::string kind_of_uncached(const std::exception_ptr& e) {
  if (const user_error* u = stored_as<user_error>(e)) return u->kind();
  try {
    std::rethrow_exception(e);
  } catch (const user_error& u) {
    return u.kind();
  } catch (...) {
  }
  for (const auto& [holds, kind] : mirrored)
    if (holds(e)) return kind;
  return "BaseException";
}

/// The kind of a stored exception without a rethrow where the thrown type
/// alone decides it (every type but user_error, whose kind is its own);
/// libstdc++ tells a stored exception's type.
std::string kind_by_type(const std::exception_ptr& e) {
#if defined(__GLIBCXX__) && defined(__cpp_rtti)
  if (const std::type_info* type = e.__cxa_exception_type(); type && *type != typeid(user_error)) {
    thread_local std::vector<std::pair<const std::type_info*, std::string>> kinds;
    for (const auto& [t, k] : kinds)
      if (*t == *type) return k;
    std::string k = kind_of_uncached(e);
    if (kinds.size() < 64) kinds.emplace_back(type, k);  // a run throws few distinct types
    return k;
  }
#endif
  return kind_of_uncached(e);
}

}  // namespace

std::string kind_of(const std::exception_ptr& e) {
  // Handlers, renderings and state checks ask one exception its kind again and
  // again, and each answer may cost a rethrow: remember the last one.
  thread_local std::exception_ptr last;
  thread_local std::string last_kind;
  if (e != last) {
    last_kind = kind_by_type(e);
    last = e;
  }
  return last_kind;
}

namespace {

std::string render(const user_error& u) { return u.kind() + "(" + u.message() + ")"; }

std::string render(const weft::exception_group& g) {
  std::string out = "ExceptionGroup[";
  for (std::size_t i = 0; i < g.exceptions().size(); ++i) out += (i ? ", " : "") + render_exception(g.exceptions()[i]);
  return out + "]";
}

}  // namespace

std::string render_exception(const std::exception_ptr& e) {
  if (const user_error* u = stored_as<user_error>(e)) return render(*u);
  if (const weft::exception_group* g = stored_as<weft::exception_group>(e)) return render(*g);
  try {
    std::rethrow_exception(e);
  } catch (const user_error& u) {
    return render(u);
  } catch (const weft::exception_group& g) {
    return render(g);
  } catch (...) {
    return kind_of(e);  // asyncio's own exceptions render by their type alone
  }
}

bool matches(const std::string& kind, const std::exception_ptr& e) {
  const std::string k = kind_of(e);
  if (kind == "BaseException") return true;
  if (kind == "Exception") return k != "CancelledError" && k != "BaseException";
  return kind == k;
}

}  // namespace weft::scenario::impl
