#pragma once
// Test support: weft's warnings (e.g. "coroutine ... was never awaited")
// collected for the scope of a test.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <weft/diagnostics.hpp>

namespace weft_test {

/// Installs a warning handler that collects every warning while alive, and
/// puts the previous handler back after. weft's handler is a plain function
/// pointer, so the innermost live capture is reached through a static; each
/// capture starts empty.
class captured_warnings {
 public:
  /// `also`, if set, is called with each warning too (e.g. to log it).
  explicit captured_warnings(std::function<void(std::string_view)> also = {});
  ~captured_warnings();
  captured_warnings(const captured_warnings&) = delete;
  captured_warnings& operator=(const captured_warnings&) = delete;

  const std::vector<std::string>& messages() const noexcept { return messages_; }

 private:
  static void record(std::string_view message) noexcept;

  std::function<void(std::string_view)> also_;
  std::vector<std::string> messages_;
  captured_warnings* outer_;
  weft::warning_handler previous_;
};

}  // namespace weft_test
