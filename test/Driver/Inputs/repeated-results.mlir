// Input of repeated-results.test: one value returned twice, and two empty
// tensors that CSE merges into one.
func.func @f(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<0xf32>, tensor<0xf32>) {
  %a = tfm.add %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %e = tensor.empty() : tensor<0xf32>
  %f = tensor.empty() : tensor<0xf32>
  return %a, %a, %e, %f : tensor<4xf32>, tensor<4xf32>, tensor<0xf32>, tensor<0xf32>
}
