#pragma once
/// "did you mean …" for misspelled keys and parameters, by edit distance.

#include <string>
#include <vector>

namespace labq {

/// Edit distance (insert, delete, substitute, swap neighbours; each costs 1).
size_t EditDistance(const std::string& a, const std::string& b);
/// " (did you mean 'x'?)" for the closest candidate within max(1, |word|/3)
/// edits (words under 3 letters get none), else "".
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace labq
