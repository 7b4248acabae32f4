#pragma once
/// One dot-product unit configuration, derived from validated sweep
/// parameters: everything the renderer, golden model and tables need. The
/// width formulas and the out_bits check live here only; the sweep reader
/// (jobs/dpu_kind.cc) asks them before any job exists.
///
/// Two weight formats (the DPU-call contract of README "Sign-magnitude DPU"):
/// - unsigned (the lab's DPU): S = sum a_i * b_i >= 0, W = a_bits + b_bits +
///   ceil(log2 N); msb keeps the top out_bits bits of W, lsb saturates at
///   2^out_bits - 1;
/// - sign-magnitude: b's bit b_bits-1 is the sign, the bits below it the
///   magnitude (-0 == 0); S is signed, W = a_bits + (b_bits - 1) +
///   ceil(log2 N) + 1 bits of two's complement; msb keeps the top out_bits
///   bits (an arithmetic shift: floor), lsb clamps to the signed out_bits
///   range.
/// Activations a are a_bits-bit unsigned in both.

#include <string>
#include <vector>

namespace labq {

enum class DpuMode { kFull, kMsb, kLsb };
enum class BFormat { kUnsigned, kSignMagnitude };

struct DpuDesign {
  int n = 0;       ///< elements per vector
  int a_bits = 8;  ///< bits per activation element (unsigned)
  int b_bits = 8;  ///< bits per weight element (its code, sign bit included)
  DpuMode mode = DpuMode::kFull;
  int out_bits = 8;  ///< kept bits for msb/lsb
  BFormat b_format = BFormat::kUnsigned;

  bool Signed() const { return b_format == BFormat::kSignMagnitude; }
  /// The lab's DPU family: unsigned with a_bits == b_bits. It keeps the lab's
  /// names and its template (rtl_templates/dpu.v.mustache) unchanged.
  bool LabFamily() const { return !Signed() && a_bits == b_bits; }
  /// Exact sum width W (see above).
  int FullBits() const;
  /// Width of the registered output y.
  int OutputBits() const;
  std::string ModeName() const;
  /// DotProductUnit_<N>_<mode><suffix>, suffix as NameSuffix.
  std::string ModuleName() const;
  /// dpu_<N>_<mode><suffix>.v
  std::string FileName() const;
  /// "" for the lab family; otherwise "_a<A>b<B>" unless a_bits == b_bits ==
  /// 8, then "_sm" for sign-magnitude: DotProductUnit_8_msb_sm,
  /// DotProductUnit_8_msb_a8b4_sm, DotProductUnit_8_lsb_a8b4.
  std::string NameSuffix() const;
  /// "a8 b8 unsigned", "a8 b4 sign-magnitude": the widths and format for tables.
  std::string FormatText() const;

  /// Why `out_bits` does not fit this design ("" when it does): msb keeps at
  /// most W bits, lsb must keep fewer than W; a signed output needs at least
  /// 2 bits (a sign and one more).
  std::string OutBitsProblem() const;
  /// Why the widths and format do not fit together ("" when they do):
  /// sign-magnitude needs b_bits >= 2 (a sign and a magnitude bit).
  std::string BBitsProblem() const;
};

DpuMode ParseDpuMode(const std::string& name);
/// "unsigned", "sign-magnitude".
const char* BFormatName(BFormat format);
/// Throws Error naming the choices.
BFormat ParseBFormat(const std::string& name);
/// Every format's name, in BFormat's order (the sweep schema's choices).
std::vector<std::string> BFormatNames();

/// ceil(log2 n), 0 for n = 1: the adder tree's depth.
int CeilLog2(int n);
/// Output width W of the lab's exact unsigned dot product: 2M + ceil(log2 N).
int FullOutputBits(int n, int input_bits);

}  // namespace labq
