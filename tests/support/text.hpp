#pragma once
// Test support: text as CPython prints it, and names for googletest.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace weft_test {

/// Python's str(bool).
inline std::string py(bool b) { return b ? "True" : "False"; }

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
