#pragma once
// A file embedded at build time (weft_embed_files in fuzz/cmake/WeftFuzz.cmake),
// so that a fuzz target runs from any working directory.

#include <string_view>

namespace weft::fuzz {

struct embedded_file {
  std::string_view path;  // as the replay command names it (relative to the source tree)
  std::string_view text;
};

}  // namespace weft::fuzz
