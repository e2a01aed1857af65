#pragma once
// Test support: text as CPython prints it, and names for googletest.

#include <gtest/gtest.h>

#include <exception>
#include <string>
#include <string_view>

namespace weft_test {

/// Python's str(bool).
inline std::string py(bool b) { return b ? "True" : "False"; }

/// type(e).__name__ for the exceptions the tests raise: ValueError
/// (std::invalid_argument), RuntimeError (std::runtime_error), CancelledError,
/// TimeoutError, ExceptionGroup; "NoneType" for no exception, "unknown" for
/// anything else.
std::string py_type(const std::exception_ptr& e);

/// The twins' describe(e): f"{type(e).__name__}({e})", and for a group its
/// members after it in brackets: "ExceptionGroup(msg (1 sub-exception))[ValueError(x)]";
/// "None" for no exception.
std::string describe(const std::exception_ptr& e);

/// "snake_case_name" as "SnakeCaseName": any character but a letter or digit
/// ends a word (gtest's FAQ warns about underscores in test names).
std::string camel_case(std::string_view snake);

/// A name generator for INSTANTIATE_TEST_SUITE_P whose parameter is a snake_case name.
struct camel_case_name {
  template <class Param>
  std::string operator()(const testing::TestParamInfo<Param>& info) const {
    return camel_case(std::string_view(info.param));
  }
};

}  // namespace weft_test
