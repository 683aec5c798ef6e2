// One pre-norm transformer block over 11 tokens (hidden 64, 4 heads of 16,
// MLP 256), GPT-2 style. Weights are function inputs, so the executable
// reads them from .npy files or fills them with seeded random data:
//   tfc compile models/examples/transformer_block.mlir -o block && ./block
func.func @block(%x: tensor<11x64xf32>,
                 %ln1_g: tensor<64xf32>, %ln1_b: tensor<64xf32>,
                 %w_q: tensor<64x64xf32>, %w_k: tensor<64x64xf32>,
                 %w_v: tensor<64x64xf32>, %w_o: tensor<64x64xf32>,
                 %ln2_g: tensor<64xf32>, %ln2_b: tensor<64xf32>,
                 %w_fc: tensor<256x64xf32>, %b_fc: tensor<256xf32>,
                 %w_proj: tensor<64x256xf32>, %b_proj: tensor<64xf32>)
    -> tensor<11x64xf32> {
  %h = tfm.layer_norm %x, %ln1_g, %ln1_b
      : tensor<11x64xf32>, tensor<64xf32>, tensor<64xf32>
  %q = tfm.linear %h, %w_q : tensor<11x64xf32>, tensor<64x64xf32> -> tensor<11x64xf32>
  %k = tfm.linear %h, %w_k : tensor<11x64xf32>, tensor<64x64xf32> -> tensor<11x64xf32>
  %v = tfm.linear %h, %w_v : tensor<11x64xf32>, tensor<64x64xf32> -> tensor<11x64xf32>
  %qh = tfm.reshape %q : tensor<11x64xf32> -> tensor<11x4x16xf32>
  %kh = tfm.reshape %k : tensor<11x64xf32> -> tensor<11x4x16xf32>
  %vh = tfm.reshape %v : tensor<11x64xf32> -> tensor<11x4x16xf32>
  %a = tfm.attention %qh, %kh, %vh {causal}
      : tensor<11x4x16xf32>, tensor<11x4x16xf32>, tensor<11x4x16xf32> -> tensor<11x4x16xf32>
  %am = tfm.reshape %a : tensor<11x4x16xf32> -> tensor<11x64xf32>
  %o = tfm.linear %am, %w_o : tensor<11x64xf32>, tensor<64x64xf32> -> tensor<11x64xf32>
  %r = tfm.add %x, %o : tensor<11x64xf32>, tensor<11x64xf32> -> tensor<11x64xf32>
  %h2 = tfm.layer_norm %r, %ln2_g, %ln2_b
      : tensor<11x64xf32>, tensor<64xf32>, tensor<64xf32>
  %f = tfm.linear %h2, %w_fc, %b_fc
      : tensor<11x64xf32>, tensor<256x64xf32>, tensor<256xf32> -> tensor<11x256xf32>
  %g = tfm.gelu %f {approximation = #tfm.gelu_approximation<tanh>} : tensor<11x256xf32>
  %p = tfm.linear %g, %w_proj, %b_proj
      : tensor<11x256xf32>, tensor<64x256xf32>, tensor<64xf32> -> tensor<11x64xf32>
  %y = tfm.add %r, %p : tensor<11x64xf32>, tensor<11x64xf32> -> tensor<11x64xf32>
  return %y : tensor<11x64xf32>
}
