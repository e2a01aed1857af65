#pragma once
/// Exceptions as a scenario sees them: user kinds, the Python class each
/// exception stands for, how it renders, and which handler catches it.

#include <exception>
#include <string>

namespace weft::scenario::impl {

/// A user exception kind: a fresh subclass of Python's Exception.
class user_error : public std::exception {
 public:
  user_error(std::string kind, std::string msg) : kind_(std::move(kind)), msg_(std::move(msg)) {}
  const char* what() const noexcept override { return msg_.c_str(); }
  const std::string& kind() const noexcept { return kind_; }
  const std::string& message() const noexcept { return msg_; }

 private:
  std::string kind_, msg_;
};

/// The class a handler names for `e`: its user kind, or the asyncio/Python
/// class weft's exception mirrors ("Exception" for another std::exception,
/// "BaseException" for anything else).
std::string kind_of(const std::exception_ptr& e);

/// The exception as the trace shows it: "Kind(msg)" for a user kind,
/// ExceptionGroup[...] with its members, else its class.
std::string render_exception(const std::exception_ptr& e);

/// Does a handler for `kind` catch `e`? BaseException catches all, Exception
/// all but CancelledError (a BaseException), any other kind its own class.
bool matches(const std::string& kind, const std::exception_ptr& e);

}  // namespace weft::scenario::impl
