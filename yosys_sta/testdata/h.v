module add4(input [3:0] a, input [3:0] b, output [4:0] s);
  assign s = a + b;
endmodule
module top(input clk, input [3:0] a, input [3:0] b, output reg [4:0] y);
  wire [4:0] s0, s1;
  add4 u0(.a(a), .b(b), .s(s0));
  add4 u1(.a(b), .b(a), .s(s1));
  always @(posedge clk) y <= s0 ^ s1;
endmodule
