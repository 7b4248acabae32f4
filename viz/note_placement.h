#pragma once
/// Where a scatter plot's text goes: beside its marker, where it covers no
/// marker and no text placed before it, or nowhere. Text that would hide a
/// point is worse than text left out: the figure is for a slide, and the
/// table has every number.
///
/// Geometry is in pixels of the plot area, y up; the renderer converts data
/// coordinates to pixels and back.

#include <optional>
#include <vector>

namespace labq::viz {

struct Rect {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool Overlaps(const Rect& other) const;
  bool Inside(const Rect& area) const;
  double CenterX() const { return (x0 + x1) / 2; }
  double CenterY() const { return (y0 + y1) / 2; }
};

/// The square a marker of `radius` at (x, y) covers.
Rect MarkerBox(double x, double y, double radius);

/// Boxes of `width` x `height` around a marker at (x, y), best first: right,
/// left, above, below, then the four diagonals, each `gap` from the marker's
/// centre.
std::vector<Rect> SpotsAround(double x, double y, double width, double height, double gap);

/// The first of `candidates` inside `area` that overlaps nothing in `taken`;
/// it joins `taken`. nullopt when every candidate collides.
std::optional<Rect> TakeFreeSpot(const std::vector<Rect>& candidates, const Rect& area,
                                 std::vector<Rect>& taken);

}  // namespace labq::viz
