// fuzz_token: raw strings into schedule-token decoding, and every token that
// decodes replayed on each bundled example scenario. A malformed token must be
// a clear error (decode_token's message), a decoded one must survive a round
// trip through encode_token, and a replay must either fit (a run, passing or
// failing) or say why it does not fit.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <weft/scenario/sim_program.hpp>
#include <weft/sim/run.hpp>
#include <weft/sim/schedule.hpp>

#include "common/scenario_fuzz.hpp"
#include WEFT_FUZZ_EMBEDDED_HEADER

namespace {

[[noreturn]] void fail(const char* what, const std::string& token) {
  std::fprintf(stderr, "fuzz_token: %s\n  token: %s\n", what, token.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string token(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto s = weft::sim::decode_token(token, error);
  if (!s) {
    if (error.empty()) fail("decode_token refused a token without saying why", token);
    return 0;
  }
  const std::string again = weft::sim::encode_token(*s);
  std::string error2;
  const auto s2 = weft::sim::decode_token(again, error2);
  if (!s2) fail(("a re-encoded token does not decode: " + error2).c_str(), token);
  if (!(*s2 == *s)) fail("decode(encode(decode(token))) differs from decode(token)", token);
  for (const auto& f : weft::fuzz::embedded::scenarios) {
    const auto prog = weft::scenario::sim_program(weft::fuzz::parsed(f));
    std::string mismatch;
    const auto out = weft::sim::replay_run(prog, *s, mismatch, nullptr, weft::scenario::tick);
    if (out.trace.empty()) fail("a replay ended without a trace", token);
  }
  return 0;
}
