// RUN: tfc-opt %s --convert-tfm-to-linalg | FileCheck %s

// Attention: optional KV-cache update (insert_slice) and read-back of the
// valid prefix (extract_slice); Q.K^T as a contraction whose key map folds
// grouped-query heads with floordiv; scale and causal mask; softmax (f32);
// P.V as a second contraction; one truncation for narrow types.
// Rotary: one generic reading positions by row and the frequency table by
// pair index.

// Q.K^T loops (h, i, j, d); P.V loops (i, h, e, j).
// CHECK-DAG: #[[$Q:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d3)>
// CHECK-DAG: #[[$K3:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d0 floordiv 3, d3)>
// CHECK-DAG: #[[$S:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[$V3:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d1 floordiv 3, d3)>
// CHECK-DAG: #[[$PR:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$KMHA:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d0, d3)>
// CHECK-DAG: #[[$VMHA:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d1, d3)>
// CHECK-DAG: #[[$K6:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d0 floordiv 6, d3)>
// CHECK-DAG: #[[$V6:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d1 floordiv 6, d3)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ROW3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$SEQ:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[$HALF:.*]] = affine_map<(d0, d1, d2) -> (d2 mod 3)>
// CHECK-DAG: #[[$PAIR:.*]] = affine_map<(d0, d1, d2) -> ((d2 mod 8) floordiv 2)>

// Grouped-query attention, 6 query heads over 2 kv heads, causal, f16,
// value head_dim 5 != key head_dim 8.
// CHECK-LABEL: func.func @gqa_causal_f16
// CHECK-SAME: (%[[Q:.*]]: tensor<?x6x8xf16>, %[[K:.*]]: tensor<?x2x8xf16>, %[[V:.*]]: tensor<?x2x5xf16>)
// CHECK: %[[SQ:.*]] = tensor.dim %[[Q]], %{{.*}} : tensor<?x6x8xf16>
// CHECK: %[[SKV:.*]] = tensor.dim %[[K]], %{{.*}} : tensor<?x2x8xf16>
// CHECK: %[[OFF:.*]] = arith.subi %[[SKV]], %[[SQ]] : index
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[SE:.*]] = tensor.empty(%[[SQ]], %[[SKV]]) : tensor<6x?x?xf32>
// CHECK: %[[SF:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%[[SE]] : tensor<6x?x?xf32>)
// CHECK: %[[SC:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$Q]], #[[$K3]], #[[$S]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[Q]], %[[K]] : tensor<?x6x8xf16>, tensor<?x2x8xf16>)
// CHECK-SAME: outs(%[[SF]] : tensor<6x?x?xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f16, %[[B:.*]]: f16, %[[O:.*]]: f32):
// CHECK-NEXT: %[[AW:.*]] = arith.extf %[[A]] : f16 to f32
// CHECK-NEXT: %[[BW:.*]] = arith.extf %[[B]] : f16 to f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[AW]], %[[BW]] : f32
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[O]], %[[P]] fastmath<reassoc,contract> : f32
// Default scale 1/sqrt(8), then the causal mask col > row + (Skv - Sq).
// CHECK: %[[M:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$ID3]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[SC]] : tensor<6x?x?xf32>)
// CHECK: %[[SCALE:.*]] = arith.constant 0.353553385 : f32
// CHECK: %[[SS:.*]] = arith.mulf %{{.*}}, %[[SCALE]] : f32
// CHECK: %[[ROW:.*]] = linalg.index 1 : index
// CHECK: %[[COL:.*]] = linalg.index 2 : index
// CHECK: %[[LIM:.*]] = arith.addi %[[ROW]], %[[OFF]] : index
// CHECK: %[[HID:.*]] = arith.cmpi sgt, %[[COL]], %[[LIM]] : index
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[SEL:.*]] = arith.select %[[HID]], %[[NINF]], %[[SS]] : f32
// CHECK: linalg.yield %[[SEL]] : f32
// Softmax over keys (lowered by the softmax pattern).
// CHECK: %[[MAX:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$ROW3]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[M]] : tensor<6x?x?xf32>)
// CHECK: arith.maximumf
// CHECK: %[[DEN:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: %[[PR:.*]] = linalg.generic
// CHECK-SAME: ins(%[[M]], %[[MAX]], %[[DEN]] : tensor<6x?x?xf32>, tensor<6x?xf32>, tensor<6x?xf32>)
// CHECK-SAME: outs(%{{.*}} : tensor<6x?x?xf32>)
// P.V into an f32 [Sq, Hq, Dv] accumulator; the reduction over keys is the
// third loop, so the innermost loop runs along contiguous value rows.
// CHECK: %[[OE:.*]] = tensor.empty(%[[SQ]]) : tensor<?x6x5xf32>
// CHECK: %[[OF:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%[[OE]] : tensor<?x6x5xf32>)
// CHECK: %[[OUT:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$PR]], #[[$V3]], #[[$OUT]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "parallel"]
// CHECK-SAME: ins(%[[PR]], %[[V]] : tensor<6x?x?xf32>, tensor<?x2x5xf16>)
// CHECK-SAME: outs(%[[OF]] : tensor<?x6x5xf32>)
// CHECK: %[[T:.*]] = linalg.generic
// CHECK-SAME: ins(%[[OUT]] : tensor<?x6x5xf32>) outs(%{{.*}} : tensor<?x6x5xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: return %[[T]]
func.func @gqa_causal_f16(%q: tensor<?x6x8xf16>, %k: tensor<?x2x8xf16>, %v: tensor<?x2x5xf16>) -> tensor<?x6x5xf16> {
  %0 = tfm.attention %q, %k, %v {causal}
      : tensor<?x6x8xf16>, tensor<?x2x8xf16>, tensor<?x2x5xf16> -> tensor<?x6x5xf16>
  return %0 : tensor<?x6x5xf16>
}

// Plain multi-head attention (group 1: no floordiv), explicit scale, no
// mask, f32: no truncation.
// CHECK-LABEL: func.func @mha_scale
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$Q]], #[[$KMHA]], #[[$S]]]
// CHECK: %[[SCALE:.*]] = arith.constant 1.250000e-01 : f32
// CHECK: %[[SS:.*]] = arith.mulf %{{.*}}, %[[SCALE]] : f32
// CHECK-NEXT: linalg.yield %[[SS]] : f32
// CHECK: linalg.generic {indexing_maps = [#[[$PR]], #[[$VMHA]], #[[$OUT]]]
// CHECK-NOT: arith.truncf
// CHECK-NOT: arith.cmpi
// CHECK: return
func.func @mha_scale(%q: tensor<7x3x8xf32>, %k: tensor<13x3x8xf32>, %v: tensor<13x3x8xf32>) -> tensor<7x3x8xf32> {
  %0 = tfm.attention %q, %k, %v {scale = 0.125 : f32}
      : tensor<7x3x8xf32>, tensor<13x3x8xf32>, tensor<13x3x8xf32> -> tensor<7x3x8xf32>
  return %0 : tensor<7x3x8xf32>
}

// Decode step with a KV cache and multi-query attention (6 query heads, one
// kv head): write the new rows at %pos, attend over rows [0, pos + 1).
// CHECK-LABEL: func.func @kv_cache_mqa
// CHECK-SAME: (%[[Q:.*]]: tensor<1x6x8xbf16>, %[[K:.*]]: tensor<1x1x8xbf16>, %[[V:.*]]: tensor<1x1x8xbf16>, %[[KC:.*]]: tensor<37x1x8xbf16>, %[[VC:.*]]: tensor<37x1x8xbf16>, %[[POS:.*]]: index)
// CHECK: %[[KC2:.*]] = tensor.insert_slice %[[K]] into %[[KC]][%[[POS]], 0, 0] [1, 1, 8] [1, 1, 1] : tensor<1x1x8xbf16> into tensor<37x1x8xbf16>
// CHECK: %[[VC2:.*]] = tensor.insert_slice %[[V]] into %[[VC]][%[[POS]], 0, 0] [1, 1, 8] [1, 1, 1] : tensor<1x1x8xbf16> into tensor<37x1x8xbf16>
// CHECK: %[[NEW:.*]] = tensor.dim %[[K]], %{{.*}} : tensor<1x1x8xbf16>
// CHECK: %[[TOTAL:.*]] = arith.addi %[[POS]], %[[NEW]] : index
// CHECK: %[[KS:.*]] = tensor.extract_slice %[[KC2]][0, 0, 0] [%[[TOTAL]], 1, 8] [1, 1, 1] : tensor<37x1x8xbf16> to tensor<?x1x8xbf16>
// CHECK: %[[VS:.*]] = tensor.extract_slice %[[VC2]][0, 0, 0] [%[[TOTAL]], 1, 8] [1, 1, 1] : tensor<37x1x8xbf16> to tensor<?x1x8xbf16>
// CHECK: %[[SKV:.*]] = tensor.dim %[[KS]], %{{.*}} : tensor<?x1x8xbf16>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$Q]], #[[$K6]], #[[$S]]]
// CHECK-SAME: ins(%[[Q]], %[[KS]] : tensor<1x6x8xbf16>, tensor<?x1x8xbf16>)
// CHECK: arith.cmpi sgt
// CHECK: %[[OUT:.*]] = linalg.generic {indexing_maps = [#[[$PR]], #[[$V6]], #[[$OUT]]]
// CHECK-SAME: ins(%{{.*}}, %[[VS]] : tensor<6x?x?xf32>, tensor<?x1x8xbf16>)
// CHECK-SAME: outs(%{{.*}} : tensor<1x6x8xf32>)
// CHECK: %[[T:.*]] = linalg.generic
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// The updated caches are returned.
// CHECK: return %[[T]], %[[KC2]], %[[VC2]] : tensor<1x6x8xbf16>, tensor<37x1x8xbf16>, tensor<37x1x8xbf16>
func.func @kv_cache_mqa(%q: tensor<1x6x8xbf16>, %k: tensor<1x1x8xbf16>, %v: tensor<1x1x8xbf16>,
                        %kc: tensor<37x1x8xbf16>, %vc: tensor<37x1x8xbf16>, %pos: index)
    -> (tensor<1x6x8xbf16>, tensor<37x1x8xbf16>, tensor<37x1x8xbf16>) {
  %o:3 = tfm.attention %q, %k, %v cache(%kc, %vc) at %pos {causal}
      : tensor<1x6x8xbf16>, tensor<1x1x8xbf16>, tensor<1x1x8xbf16>,
        tensor<37x1x8xbf16>, tensor<37x1x8xbf16>
      -> tensor<1x6x8xbf16>, tensor<37x1x8xbf16>, tensor<37x1x8xbf16>
  return %o#0, %o#1, %o#2 : tensor<1x6x8xbf16>, tensor<37x1x8xbf16>, tensor<37x1x8xbf16>
}

// Prefill into a cache with a dynamic number of new rows.
// CHECK-LABEL: func.func @kv_cache_prefill
// CHECK-SAME: (%[[Q:.*]]: tensor<?x3x8xf32>, %[[KC:.*]]: tensor<24x3x8xf32>, %[[VC:.*]]: tensor<24x3x8xf32>, %[[POS:.*]]: index)
// CHECK: %[[N:.*]] = tensor.dim %[[Q]], %{{.*}} : tensor<?x3x8xf32>
// CHECK: tensor.insert_slice %[[Q]] into %[[KC]][%[[POS]], 0, 0] [%[[N]], 3, 8] [1, 1, 1] : tensor<?x3x8xf32> into tensor<24x3x8xf32>
// CHECK: tensor.insert_slice %[[Q]] into %[[VC]][%[[POS]], 0, 0] [%{{.*}}, 3, 8] [1, 1, 1] : tensor<?x3x8xf32> into tensor<24x3x8xf32>
// CHECK: tensor.extract_slice {{.*}} : tensor<24x3x8xf32> to tensor<?x3x8xf32>
// CHECK: tensor.extract_slice {{.*}} : tensor<24x3x8xf32> to tensor<?x3x8xf32>
func.func @kv_cache_prefill(%q: tensor<?x3x8xf32>, %kc: tensor<24x3x8xf32>, %vc: tensor<24x3x8xf32>, %pos: index)
    -> (tensor<?x3x8xf32>, tensor<24x3x8xf32>, tensor<24x3x8xf32>) {
  %o:3 = tfm.attention %q, %q, %q cache(%kc, %vc) at %pos {causal}
      : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32>,
        tensor<24x3x8xf32>, tensor<24x3x8xf32>
      -> tensor<?x3x8xf32>, tensor<24x3x8xf32>, tensor<24x3x8xf32>
  return %o#0, %o#1, %o#2 : tensor<?x3x8xf32>, tensor<24x3x8xf32>, tensor<24x3x8xf32>
}

//===----------------------------------------------------------------------===//
// tfm.rotary
//===----------------------------------------------------------------------===//

// rotate_half pairs (i, i + 3) over the first 6 of 24 features; the rest
// pass through. inv_freq[j] = 10000^(-2j/6).
// CHECK-LABEL: func.func @rotary_partial
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x24xf32>, %[[P:.*]]: tensor<?xi64>)
// CHECK: %[[FREQ:.*]] = arith.constant dense<[1.000000e+00, 0.046415884, 0.00215443433]> : tensor<3xf32>
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x3x24xf32>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$SEQ]], #[[$HALF]], #[[$ID3]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[P]], %[[FREQ]] : tensor<?x3x24xf32>, tensor<?xi64>, tensor<3xf32>)
// CHECK-SAME: outs(%[[E]] : tensor<?x3x24xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[PV:.*]]: i64, %[[FV:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[D:.*]] = linalg.index 2 : index
// CHECK: %[[ROT:.*]] = arith.constant 6 : index
// CHECK: %[[IN:.*]] = arith.cmpi slt, %[[D]], %[[ROT]] : index
// CHECK: %[[H:.*]] = arith.constant 3 : index
// CHECK: %[[FIRST:.*]] = arith.cmpi slt, %[[D]], %[[H]] : index
// CHECK: %[[PARTNER:.*]] = arith.select %[[IN]], %{{.*}}, %[[D]] : index
// CHECK: %[[XP:.*]] = tensor.extract %[[X]][%{{.*}}, %{{.*}}, %[[PARTNER]]] : tensor<?x3x24xf32>
// CHECK: %[[PF:.*]] = arith.sitofp %[[PV]] : i64 to f32
// CHECK: %[[ANG:.*]] = arith.mulf %[[PF]], %[[FV]] : f32
// CHECK: %[[COS:.*]] = math.cos %[[ANG]] : f32
// CHECK: %[[SIN:.*]] = math.sin %[[ANG]] : f32
// CHECK: %[[PS:.*]] = arith.mulf %[[XP]], %[[SIN]] : f32
// CHECK: %[[NEG:.*]] = arith.negf %[[PS]] : f32
// CHECK: %[[SGN:.*]] = arith.select %[[FIRST]], %[[NEG]], %[[PS]] : f32
// CHECK: %[[XC:.*]] = arith.mulf %[[XV]], %[[COS]] : f32
// CHECK: %[[Y:.*]] = arith.addf %[[XC]], %[[SGN]] : f32
// CHECK: %[[R:.*]] = arith.select %[[IN]], %[[Y]], %[[XV]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @rotary_partial(%x: tensor<?x3x24xf32>, %p: tensor<?xi64>) -> tensor<?x3x24xf32> {
  %0 = tfm.rotary %x, %p {rotary_dim = 6 : i64} : tensor<?x3x24xf32>, tensor<?xi64>
  return %0 : tensor<?x3x24xf32>
}

// Interleaved pairs (2i, 2i + 1) over 8 of 26 features, f16, i32 positions,
// theta 1e6.
// CHECK-LABEL: func.func @rotary_interleaved_f16
// CHECK: arith.constant dense<[1.000000e+00, 0.0316227786, 1.000000e-03, 3.162277{{[0-9]+}}E-5]> : tensor<4xf32>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$SEQ]], #[[$PAIR]], #[[$ID3]]]
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f16, %[[PV:.*]]: i32, %{{.*}}: f32, %{{.*}}: f16):
// CHECK: %[[D:.*]] = linalg.index 2 : index
// CHECK: %[[TWO:.*]] = arith.constant 2 : index
// CHECK: %[[ODD:.*]] = arith.remui %[[D]], %[[TWO]] : index
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[ODD]], %{{.*}} : index
// CHECK: arith.extf %[[XV]] : f16 to f32
// CHECK: arith.sitofp %[[PV]] : i32 to f32
// CHECK: math.cos
// CHECK: math.sin
// CHECK: arith.select %[[FIRST]]
// CHECK: %[[T:.*]] = arith.truncf %{{.*}} : f32 to f16
// CHECK-NEXT: linalg.yield %[[T]] : f16
func.func @rotary_interleaved_f16(%x: tensor<7x5x26xf16>, %p: tensor<7xi32>) -> tensor<7x5x26xf16> {
  %0 = tfm.rotary %x, %p {interleaved, rotary_dim = 8 : i64, theta = 1.0e+06 : f32}
      : tensor<7x5x26xf16>, tensor<7xi32>
  return %0 : tensor<7x5x26xf16>
}

// CHECK-NOT: tfm.
