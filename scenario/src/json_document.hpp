#pragma once
/// Scenario text to a JSON document, refusing what is not text and what a
/// scenario never needs (see read_document), and the helpers that show pieces
/// of a hostile file in a message.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "weft/scenario/program.hpp"

namespace weft::scenario::parsing {

using json = nlohmann::json;

/// Shows raw bytes of a message as \xNN, so an error never writes binary to a terminal.
std::string printable(const std::string& m);

/// A name as shown in a message: a huge one is cut short.
std::string shown(const std::string& name);

/// A key as a JSON pointer token ("~" as "~0", "/" as "~1").
std::string escape_pointer_token(const std::string& t);

/// The document in `text`. Throws bad_input naming `file` for text that is
/// too large, not UTF-8 text, not JSON, nested deeper than the limit, or has
/// duplicate keys or numbers out of range.
json read_document(std::string_view text, const std::string& file, const limits& lim);

}  // namespace weft::scenario::parsing
