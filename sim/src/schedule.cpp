#include "weft/sim/schedule.hpp"

#include <array>

namespace weft::sim {

std::size_t schedule::deviations() const noexcept {
  std::size_t n = 0;
  for (const auto& d : decisions) n += d.choice != 0;
  return n;
}

std::size_t schedule::faults() const noexcept {
  std::size_t n = 0;
  for (const auto& d : decisions)
    n += d.choice != 0 && (d.kind == decision_kind::cancel || d.kind == decision_kind::jitter);
  return n;
}

std::uint64_t schedule::delays() const noexcept {
  std::uint64_t n = 0;
  for (const auto& d : decisions) n += d.choice;
  return n;
}

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view prefix = "w1.";

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_string(std::string& out, const std::string& s) {
  put_varint(out, s.size());
  out += s;
}

struct reader {
  const std::string& in;
  std::size_t pos = 0;
  bool ok = true;
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= in.size()) break;
      auto b = static_cast<unsigned char>(in[pos++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    ok = false;
    return 0;
  }
  std::string string() {
    std::uint64_t n = varint();
    if (!ok || n > in.size() - pos) {
      ok = false;
      return {};
    }
    std::string s = in.substr(pos, n);
    pos += n;
    return s;
  }
};

}  // namespace

std::string encode_token(const schedule& s) {
  // Binary body: a count, then each deviation as kind, choice, options,
  // ordinal, chosen identity, displaced identity. FIFO decisions are implied.
  std::string body;
  put_varint(body, s.deviations());
  for (const auto& d : s.decisions) {
    if (d.choice == 0) continue;
    put_varint(body, static_cast<std::uint64_t>(d.kind));
    put_varint(body, d.choice);
    put_varint(body, d.options);
    put_varint(body, d.ordinal);
    put_string(body, d.chosen);
    put_string(body, d.displaced);
  }
  std::string out(prefix);
  for (std::size_t i = 0; i < body.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(body[i]) << 16;
    if (i + 1 < body.size()) n |= static_cast<unsigned char>(body[i + 1]) << 8;
    if (i + 2 < body.size()) n |= static_cast<unsigned char>(body[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (i + 1 < body.size()) out += alphabet[(n >> 6) & 63];
    if (i + 2 < body.size()) out += alphabet[n & 63];
  }
  return out;
}

std::optional<schedule> decode_token(const std::string& token, std::string& error) {
  if (token.compare(0, prefix.size(), prefix) != 0) {
    error = token.rfind("w", 0) == 0 && token.find('.') != std::string::npos
                ? "schedule token of an unknown version (this weft reads w1)"
                : "not a schedule token (it should start with 'w1.')";
    return std::nullopt;
  }
  std::array<int, 256> value{};
  value.fill(-1);
  for (int i = 0; i < 64; ++i) value[static_cast<unsigned char>(alphabet[i])] = i;
  std::string body;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = prefix.size(); i < token.size(); ++i) {
    int v = value[static_cast<unsigned char>(token[i])];
    if (v < 0) {
      error = "schedule token has a character outside base64url at position " + std::to_string(i);
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      body.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  reader r{body};
  schedule s;
  std::uint64_t n = r.varint();
  if (r.ok && n > body.size()) r.ok = false;
  for (std::uint64_t i = 0; r.ok && i < n; ++i) {
    decision d;
    std::uint64_t kind = r.varint();
    if (kind >= static_cast<std::uint64_t>(decision_kinds)) r.ok = false;
    d.kind = static_cast<decision_kind>(kind);
    d.choice = static_cast<std::uint32_t>(r.varint());
    d.options = static_cast<std::uint32_t>(r.varint());
    d.ordinal = r.varint();
    d.chosen = r.string();
    d.displaced = r.string();
    if (d.choice == 0) r.ok = false;
    s.decisions.push_back(std::move(d));
  }
  if (!r.ok || r.pos != body.size()) {
    error = "schedule token is damaged (it does not decode)";
    return std::nullopt;
  }
  return s;
}

}  // namespace weft::sim
