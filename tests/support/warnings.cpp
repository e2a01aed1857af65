#include "warnings.hpp"

namespace weft_test {

namespace {
captured_warnings* innermost = nullptr;
}  // namespace

captured_warnings::captured_warnings(std::function<void(std::string_view)> also)
    : also_(std::move(also)), outer_(innermost), previous_(weft::set_warning_handler(&record)) {
  innermost = this;
}

captured_warnings::~captured_warnings() {
  innermost = outer_;
  weft::set_warning_handler(previous_);
}

void captured_warnings::record(std::string_view message) noexcept {
  captured_warnings* self = innermost;
  self->messages_.emplace_back(message);
  if (self->also_) self->also_(message);
}

}  // namespace weft_test
