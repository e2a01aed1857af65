#include "text.hpp"

#include <cctype>

namespace weft_test {

std::string camel_case(std::string_view snake) {
  std::string name;
  bool upper = true;
  for (char c : snake) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name;
}

}  // namespace weft_test
