#pragma once
/// 8-bit sign-magnitude weight codes and the 4-bit codes cut out of them.
///
/// No LibTorch here: the trainer's fused fake-quant kernel calls these
/// functions on raw float buffers, and the tests check them against a bit-level
/// hardware model for every code without compiling torch headers.
///
/// 8-bit code: bit 7 = sign, bits 6..0 = magnitude q = clamp(round(|w|/s), 0, 127)
/// (round half to even, like torch.round and std::nearbyint), value sign(w)*q*s.
/// The scale s = max|w|/127 over the layer (or over one output channel), so the
/// largest weight uses every magnitude bit and the 8-bit quantizer never clips.
///
/// 4-bit code: sign + 3 magnitude bits q4 taken from the 8-bit magnitude at bit
/// k..k+2 (k in 0..4), value sign*q4*s*2^k. Two selection rules:
///   kTruncate: q4 = (q >> k) & 7. The 4-bit datapath just wires bits k..k+2,
///              zero extra logic; bits above k+2 are dropped (a weight too large
///              for the window wraps), bits below k are dropped (rounds toward 0).
///              Default, because it is exactly what the lab's hardware reads.
///   kRound:    q4 = min((q + 2^(k-1)) >> k, 7) (k = 0: min(q, 7)): round half up
///              on bit k-1 and saturate at 7 when the carry overflows or any bit
///              above the window is set. Costs a 3-bit incrementer and an OR of
///              the upper bits, but never wraps and halves the error.

#include <cstdint>
#include <string>
#include <string_view>

namespace labq::qat {

/// How the 3 magnitude bits of a 4-bit code are selected from the 8-bit code.
enum class Rule { kTruncate, kRound };

inline constexpr int kMaxMagnitude8 = 127;
inline constexpr int kMaxMagnitude4 = 7;
inline constexpr int kMaxShift = 4;  ///< k = 4 selects bits 4..6, the top three.

std::string_view RuleName(Rule rule);
/// Parses "truncate" / "round"; throws std::invalid_argument naming the value.
Rule ParseRule(std::string_view name);

/// Per-layer (or per-channel) scale: max|w|/127, 1 when all weights are zero
/// so that the code stays 0 instead of dividing by zero.
float ScaleForMaxAbs(float max_abs);

/// 8-bit magnitude of a weight: clamp(round_half_even(|w|/scale), 0, 127).
int Magnitude8(float w, float scale);
/// Full 8-bit code of a weight (bit 7 = sign of w, set for negative w).
std::uint8_t Encode8(float w, float scale);
/// Value the 8-bit hardware computes with: sign * q * scale.
float Decode8(std::uint8_t code8, float scale);

/// 4-bit magnitude (0..7) from an 8-bit magnitude (0..127), written with
/// integer arithmetic (division, modulo, min) rather than bit slicing so that
/// the tests can hold it against an independent bit-level hardware model.
int Magnitude4(int q8, int k, Rule rule);
/// 4-bit code (bit 3 = sign, bits 2..0 = magnitude) from an 8-bit code.
std::uint8_t Code4From8(std::uint8_t code8, int k, Rule rule);
/// Value the 4-bit hardware computes with: sign * q4 * scale * 2^k.
float Decode4(std::uint8_t code4, float scale, int k);

/// What one fake-quant pass produces and how.
struct QuantSpec {
  int k = kMaxShift;
  Rule rule = Rule::kTruncate;
  bool per_channel = false;
};

/// Fused fake-quant kernel: one pass over a weight buffer computes the
/// scale(s), the 8-bit code of every weight and, from that same code, the
/// dequantized 8-bit and/or 4-bit values. `weights` holds `channels` blocks of
/// `block` floats, output channel outermost (true for conv weights in both
/// NCHW and channels-last layouts). out8/out4 may be null when not wanted;
/// `scales` receives `channels` values when per_channel, else one.
void FakeQuantize(const float* weights, std::int64_t channels, std::int64_t block,
                  const QuantSpec& spec, float* out8, float* out4, float* scales);

/// Mean squared error between the weights and their 4-bit values for shift k;
/// the criterion `--k search` minimises per layer.
double FourBitError(const float* weights, std::int64_t channels, std::int64_t block,
                    const QuantSpec& spec);

}  // namespace labq::qat
