#pragma once
/// Turns a Figure into a gnuplot script and its data file. The script is
/// written for people too: it is kept beside the figure so a user can
/// restyle it and run `gnuplot NAME.gp` in that folder again.
///
/// Every string that reaches the script goes through GnuplotQuote: a
/// single-quoted gnuplot literal, where neither backslash escapes, nor
/// backtick command substitution, nor @macros apply. The data file holds only
/// numbers and the annotations this code formats itself.

#include <filesystem>
#include <string>
#include <string_view>

#include "viz/figure.h"

namespace labq::viz {

enum class ImageFormat { kSvg, kPng, kPdf };

/// From the file name's extension (.svg, .png, .pdf); throws labq::Error
/// naming the path otherwise.
ImageFormat ImageFormatFor(const std::filesystem::path& out);

/// `text` as a gnuplot single-quoted string ('' stands for a quote). Throws
/// labq::Error naming `what` ("sweep name", "series title") when `text` holds a
/// control character: a newline would end the gnuplot command, so such text
/// is refused rather than rewritten.
std::string GnuplotQuote(std::string_view text, std::string_view what);

struct GnuplotFiles {
  std::string script;
  std::string data;
};

/// The script writes `image_name` from `data_name`, both relative to the
/// folder gnuplot runs in. `about` is a comment for the script's first
/// line (quoted like any other string).
GnuplotFiles BuildGnuplot(const Figure& figure, ImageFormat format, const std::string& image_name,
                          const std::string& data_name, const std::string& about);

}  // namespace labq::viz
