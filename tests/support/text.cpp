#include "text.hpp"

#include <cctype>
#include <stdexcept>

#include <weft/exceptions.hpp>

namespace weft_test {

std::string py_type(const std::exception_ptr& e) {
  if (!e) return "NoneType";
  try {
    std::rethrow_exception(e);
  } catch (const weft::exception_group&) {
    return "ExceptionGroup";
  } catch (const weft::cancelled_error&) {
    return "CancelledError";
  } catch (const weft::timeout_error&) {
    return "TimeoutError";
  } catch (const std::invalid_argument&) {
    return "ValueError";
  } catch (const std::runtime_error&) {
    return "RuntimeError";
  } catch (...) {
    return "unknown";
  }
}

std::string describe(const std::exception_ptr& e) {
  if (!e) return "None";
  const std::string type = py_type(e);
  try {
    std::rethrow_exception(e);
  } catch (const weft::exception_group& g) {
    std::string out = type + "(" + g.what() + ")[";
    for (std::size_t i = 0; i < g.exceptions().size(); ++i) out += (i ? ", " : "") + describe(g.exceptions()[i]);
    return out + "]";
  } catch (const weft::cancelled_error& c) {
    return type + "(" + c.message().value_or("") + ")";
  } catch (const std::exception& x) {
    return type == "unknown" ? type : type + "(" + x.what() + ")";
  } catch (...) {
    return type;
  }
}

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
