#include "viz/note_placement.h"

namespace labq::viz {

bool Rect::Overlaps(const Rect& other) const {
  return x0 < other.x1 && other.x0 < x1 && y0 < other.y1 && other.y0 < y1;
}

bool Rect::Inside(const Rect& area) const {
  return x0 >= area.x0 && x1 <= area.x1 && y0 >= area.y0 && y1 <= area.y1;
}

Rect MarkerBox(double x, double y, double radius) {
  return {x - radius, y - radius, x + radius, y + radius};
}

std::vector<Rect> SpotsAround(double x, double y, double width, double height, double gap) {
  const double w = width, h = height;
  // Diagonals sit a little closer: their corner, not their side, faces the marker.
  const double d = gap * 0.75;
  return {
      {x + gap, y - h / 2, x + gap + w, y + h / 2},  // right
      {x - gap - w, y - h / 2, x - gap, y + h / 2},  // left
      {x - w / 2, y + gap, x + w / 2, y + gap + h},  // above
      {x - w / 2, y - gap - h, x + w / 2, y - gap},  // below
      {x + d, y + d, x + d + w, y + d + h},          // above right
      {x + d, y - d - h, x + d + w, y - d},          // below right
      {x - d - w, y + d, x - d, y + d + h},          // above left
      {x - d - w, y - d - h, x - d, y - d},          // below left
  };
}

std::optional<Rect> TakeFreeSpot(const std::vector<Rect>& candidates, const Rect& area,
                                 std::vector<Rect>& taken) {
  for (const Rect& c : candidates) {
    if (!c.Inside(area)) continue;
    bool free = true;
    for (const Rect& t : taken) free = free && !c.Overlaps(t);
    if (!free) continue;
    taken.push_back(c);
    return c;
  }
  return std::nullopt;
}

}  // namespace labq::viz
