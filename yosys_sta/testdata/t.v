module t(input clk, input rst, input [3:0] a, input [3:0] b, output reg [4:0] y);
  always @(posedge clk)
    if (rst) y <= 0; else y <= a + b;
endmodule
