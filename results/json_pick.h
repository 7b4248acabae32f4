#pragma once
/// Some top-level keys of a JSON object, read without parsing the rest.
/// A 10,000-row result table reads each job's params document for five keys;
/// nlohmann::json::parse of the whole document (and even its SAX reader)
/// took 60 ms of such a table, this takes a few.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace labq {

/// An object holding the values of those of `keys` that `text` (a JSON
/// object) has. Values are parsed by nlohmann, so they come out exactly as
/// json::parse would give them; the rest is only skipped, so a malformed
/// value of a key not asked for can go unnoticed. Throws labq::Error when the
/// object's structure is broken or a key uses escapes (labq never writes
/// such params; the caller then falls back to json::parse).
nlohmann::json PickKeys(std::string_view text, const std::vector<std::string>& keys);

}  // namespace labq
