#include "json_document.hpp"

#include <cstdio>
#include <set>
#include <vector>

#include "weft/scenario/parse.hpp"

namespace weft::scenario::parsing {

std::string printable(const std::string& m) {
  std::string out;
  for (unsigned char c : m) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string shown(const std::string& name) {
  if (name.size() <= 80) return printable(name);
  return printable(name.substr(0, 60)) + "... (" + std::to_string(name.size()) + " bytes)";
}

std::string escape_pointer_token(const std::string& t) {
  std::string out;
  for (char c : t) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

namespace {

/// Refuses what is not text: invalid UTF-8 or a control character other than
/// tab, newline and carriage return, with its place.
void check_text_bytes(std::string_view t, const std::string& file) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < t.size();) {
    auto c = static_cast<unsigned char>(t[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len != 0 && i + len <= t.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(t[i + k]) & 0xC0) == 0x80;
    if (len == 1) ok = c >= 0x20 ? c != 0x7f : (c == '\t' || c == '\n' || c == '\r');
    if (!ok) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02X", c);
      throw bad_input(file, "", std::string("not a text file (byte ") + buf + " at line " + std::to_string(line) +
                                    ", column " + std::to_string(column) + ")");
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
}

/// The text after nlohmann's "[json.exception.parse_error.101] " prefix.
std::string without_id(const std::string& what) {
  auto p = what.find("] ");
  return p == std::string::npos ? what : what.substr(p + 2);
}

/// Builds the document while refusing what a scenario never needs: nesting
/// deeper than the limit, duplicate keys, integers beyond 64 bits. Linear in
/// the input (nlohmann's parser callback is not: it rescans arrays).
class checked_sax final : public nlohmann::json_sax<json> {
 public:
  /// A body nests in at most four JSON levels (statement, field, handler list, handler).
  checked_sax(json& doc, std::size_t body_depth) : doc_(doc), max_depth_(4 * body_depth + 8), body_depth_(body_depth) {}
  std::string error, syntax_error;

  bool null() override { return place(nullptr); }
  bool boolean(bool b) override { return place(b); }
  bool number_integer(number_integer_t i) override { return place(i); }
  bool number_unsigned(number_unsigned_t u) override { return place(u); }
  bool number_float(number_float_t d, const string_t&) override { return place(d); }
  bool string(string_t& s) override { return place(std::move(s)); }
  bool binary(binary_t& b) override { return place(std::move(b)); }

  bool start_object(std::size_t) override {
    if (!deeper()) return false;
    keys_.emplace_back();
    open_.push_back(place(json::value_t::object));
    return true;
  }
  bool key(string_t& k) override {
    if (!keys_.back().insert(k).second) {
      error = "not valid JSON: duplicate key '" + shown(k) + "'";
      return false;
    }
    member_ = &(*open_.back())[k];
    return true;
  }
  bool end_object() override {
    --depth_;
    keys_.pop_back();
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    if (!deeper()) return false;
    open_.push_back(place(json::value_t::array));
    return true;
  }
  bool end_array() override {
    --depth_;
    open_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string& token, const json::exception& e) override {
    if (e.id == 406) {  // out_of_range: a number too large for a double
      error = "number " + shown(token) + " is out of range";
      return false;
    }
    syntax_error = without_id(e.what());
    return false;
  }

 private:
  /// Puts a value where the document is at (the root, an array's end, the
  /// member the last key named) and returns it.
  json* place(json v) {
    if (open_.empty()) {
      doc_ = std::move(v);
      return &doc_;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    *member_ = std::move(v);
    return member_;
  }
  bool deeper() {
    if (++depth_ <= max_depth_) return true;
    error = "nesting too deep (more than " + std::to_string(body_depth_) + " levels of bodies)";
    return false;
  }

  json& doc_;
  std::vector<json*> open_;  // the arrays and objects being filled, innermost last
  json* member_ = nullptr;   // the member the last key made
  std::size_t depth_ = 0, max_depth_, body_depth_;
  std::vector<std::set<std::string>> keys_;
};

}  // namespace

json read_document(std::string_view text, const std::string& file, const limits& lim) {
  if (text.size() > lim.max_file_bytes)
    throw bad_input(file, "", "file too large (" + std::to_string(text.size()) + " bytes; the limit is " +
                                  std::to_string(lim.max_file_bytes) + ")");
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
    throw bad_input(file, "", "not valid JSON: the file starts with a UTF-8 byte order mark");
  check_text_bytes(text, file);
  json doc;
  checked_sax sax(doc, lim.max_depth);
  bool ok = false;
  try {
    ok = json::sax_parse(text, &sax);
  } catch (const json::exception& e) {
    throw bad_input(file, "", "not valid JSON: " + printable(without_id(e.what())));
  }
  if (!sax.error.empty()) throw bad_input(file, "", sax.error);
  if (!ok) throw bad_input(file, "", "not valid JSON: " + printable(sax.syntax_error));
  return doc;
}

}  // namespace weft::scenario::parsing
