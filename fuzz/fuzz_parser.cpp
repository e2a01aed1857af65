// fuzz_parser: raw bytes into the scenario parser. bad_input is the answer
// for anything that is not a valid scenario; a crash, a leak, a hang, a
// sanitizer report or any other exception is a finding. A valid scenario is
// parsed a second time from its own text: the parser must not depend on
// anything but the text.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <weft/scenario/parse.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto prog = weft::scenario::parse(text, "input.json");
    (void)prog;
  } catch (const weft::scenario::bad_input& e) {
    // An error must say something: "input.json: problem".
    if (std::string_view(e.what()).size() <= std::string_view("input.json: ").size()) {
      std::fprintf(stderr, "bad_input without a problem: '%s'\n", e.what());
      std::abort();
    }
  }
  return 0;
}
