#include "weft/source_site.hpp"

#include <string_view>

namespace weft {

std::string to_string(const source_site& s) {
  if (!s) return {};
  std::string_view file(s.file);
  if (auto slash = file.find_last_of("/\\"); slash != std::string_view::npos) file.remove_prefix(slash + 1);
  return std::string(file) + ':' + std::to_string(s.line) + " in " + s.function;
}

namespace detail {

bool is_weft_source(const char* file) noexcept {
  // Headers as the user's compiler saw them (installed or in weft's tree:
  // include/weft/...), and the library's own sources as this file was built.
  const std::string_view f(file);
  if (f.find("include/weft/") != std::string_view::npos || f.starts_with("weft/")) return true;
  constexpr std::string_view here = __FILE__;
  const std::string_view dir = here.substr(0, here.find_last_of("/\\") + 1);
  return !dir.empty() && f.starts_with(dir);
}

}  // namespace detail
}  // namespace weft
