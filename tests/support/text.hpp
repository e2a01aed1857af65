#pragma once
// Test support: text as CPython prints it.

#include <string>

namespace weft_test {

/// Python's str(bool).
inline std::string py(bool b) { return b ? "True" : "False"; }

}  // namespace weft_test
