#pragma once
/// Quoting for the tool scripts labq writes (Yosys .ys, OpenSTA and Genus
/// TCL). Every path or value that goes into a script goes through one of
/// these, so a workdir like `/tmp/a b[exec rm -rf ~]` stays one literal word.

#include <string>
#include <string_view>

namespace labq {

/// Letters, digits and / . _ - + only: the same word in every script language.
bool IsPlainWord(std::string_view value);

/// One TCL word that TCL reads back as exactly `value`: unchanged when it is
/// plain (letters, digits, / . _ - +), in braces when that is literal (no
/// backslash, balanced braces), else with every special character escaped.
std::string TclWord(std::string_view value);

/// One Yosys command argument that Yosys reads back as `value`: plain words
/// unchanged, others in double quotes (Yosys strips them from file names).
/// Throws labq::Error for what Yosys cannot quote: a double quote, a newline
/// or a NUL.
std::string YosysWord(std::string_view value);

}  // namespace labq
