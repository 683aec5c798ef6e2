//===- Passes.td - tfc code generation passes --------------*- tablegen -*-===//

#ifndef TFC_CODEGEN_PASSES_TD
#define TFC_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def TfcApproximateMath : Pass<"tfc-approximate-math"> {
  let summary = "Replace transcendental math ops by vectorizable polynomials";
  let description = [{
    `math.tanh`, `math.erf`, `math.exp`, `math.log`, `math.sin`, `math.cos`,
    `math.rsqrt` and friends have no vector instruction on CPUs; lowered
    as-is they become scalar libm calls inside vector loops. This pass
    rewrites the ops named in `ops` (default: all supported) into
    polynomial approximations built from arith ops (about 1-2 ulp in f32),
    which vectorize. f16/bf16 operands are computed in f32.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
  let options = [
    ListOption<"ops", "ops", "std::string",
               "Math op names to approximate (e.g. tanh,erf); empty = all">
  ];
}

def TfcDropReturnedArguments : Pass<"tfc-drop-returned-arguments",
                                    "ModuleOp"> {
  let summary = "Remove function results that return an argument buffer";
  let description = [{
    After bufferization, a tensor that a function updates in place (a KV
    cache) comes back as the very argument memref it was passed as. Such a
    result carries no information, yet `buffer-results-to-out-params` would
    turn it into one more out-parameter and copy the whole buffer into it.
    This pass removes every result that all `func.return`s fill with the
    same block argument. Upstream `drop-equivalent-buffer-results` does this
    only for functions whose callers it can see; tfc's entry points are
    called from the runtime, so this pass applies to public functions too
    (functions called within the module are left alone).

    It also separates results that return one buffer in several positions
    (two results CSE merged): every repeated occurrence returns a copy, so
    that each result can become its own out-parameter.
  }];
}

def TfcCopyToLinalg : Pass<"tfc-copy-to-linalg"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    `memref.copy` between non-contiguous memrefs lowers to a call to
    `memrefCopy` from MLIR's C runner utilities, which compiled models do not
    link. As `linalg.copy` it becomes a loop nest that LLVM optimizes like any
    other.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def TfcFuseElementwise : Pass<"tfc-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg.generic ops, keeping named ops named";
  let description = [{
    Upstream `linalg-fuse-elementwise-ops`, restricted so that named
    structured ops (`linalg.matmul`) are neither fused into nor rewritten
    into `linalg.generic` by reshape propagation: a matmul whose operand is
    reshaped would otherwise become a generic contraction that the matmul
    kernel no longer recognizes. Producers are fused only into their single
    consumer, and not into a reduction that would read each produced value
    several times (e.g. softmax's exp into the P.V contraction, once per head
    dimension), so no work is duplicated.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def TfcOutlineKernels : Pass<"tfc-outline-kernels", "ModuleOp"> {
  let summary = "Move linalg.matmul and linalg.generic ops into shared kernel functions";
  let description = [{
    A transformer repeats the same computations in every layer, so tiling,
    vectorizing and optimizing each occurrence in place multiplies the
    generated code, and the compile time, by the layer count. This pass
    moves every `linalg.matmul` and `linalg.generic` on tensors into a
    private kernel function and calls it; ops that are identical up to
    their operands (same types, indexing maps, region and captured
    constants) share one kernel. Matmul kernels are named
    `tfc_matmul_<A shape>_<B shape>_<types>` (`D`: dynamic), others
    `tfc_kernel_<n>`. Kernels are marked `noinline` so that LLVM keeps them
    shared.

    On tensors, an op with an operand that is a tensor slice (which
    bufferizes to a strided view) stays in place: function boundaries
    bufferize to identity-layout buffers, and the view would be copied at
    every call. Run again after bufferization, the pass outlines such ops on
    their memrefs, whose strided types the kernel keeps. Ops inside kernels
    (functions marked `tfc.kernel`) are not outlined again.
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
  ];
  let statistics = [
    Statistic<"numOutlined", "outlined", "linalg ops outlined">,
    Statistic<"numKernels", "kernels", "kernel functions created">
  ];
}

def TfcParallelizeGenerics
    : Pass<"tfc-parallelize-generics", "::mlir::func::FuncOp"> {
  let summary = "Split the leading parallel loop of generics over threads";
  let description = [{
    Tiles the first parallel loop of every `linalg.generic` on tensors at
    the top level of a function into an `scf.forall` (which the pipeline
    maps onto OpenMP threads): attention's score, softmax and P.V kernels
    over heads, norms and elementwise ops over rows. Only ops whose
    iteration space has a dynamic size (the sequence length, the cached
    length) take part: with static sizes (a decode step's elementwise ops
    over one row) the work is too small to pay for a fork-join. Ops inside
    loops (the matmul tiles) are left alone.

    Each forall iteration takes `chunk` indices of the loop, or, for a
    static loop shorter than `8 * chunk`, an eighth of it (12 heads: 6
    iterations of 2); OpenMP's static schedule gives each thread a
    contiguous range of iterations.
  }];
  let dependentDialects = [
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
  let options = [
    Option<"chunk", "chunk", "int64_t", /*default=*/"16",
           "Indices of the loop per forall iteration">
  ];
  let statistics = [
    Statistic<"numParallelized", "parallelized",
              "Number of generics split over threads">
  ];
}

def TfcTileAndVectorizeMatmul
    : Pass<"tfc-tile-and-vectorize-matmul", "::mlir::func::FuncOp"> {
  let summary = "Tile linalg.matmul for the caches and registers, vectorize";
  let description = [{
    Tiles every `linalg.matmul` (on tensors) twice: cache tiles
    (`cache-tiles`, M x N x K) keep a block of the weight hot while the rows
    of the activation stream by, and register tiles (`register-tiles`) form
    the micro-kernel, which is vectorized (masked where the sequence length
    is dynamic or a size is not a multiple of the tile), lowered to
    broadcast multiply-adds (fused to FMAs by LLVM), and its accumulator is
    hoisted out of the K loop so that it lives in registers. Rows left over
    from a dynamic M are computed one at a time rather than masked (masked
    rows would turn the activation loads into gathers).

    A matmul whose M is statically smaller than the register tile (decode:
    one token) is a matrix-vector product bound by memory bandwidth. It
    reads the weight 8 rows at a time: register tiles of
    M x (register M x N / M) columns walk along those rows and keep their
    accumulators in registers across them. Every row is thus read in
    storage order (one sequential stream per row, which the prefetchers
    follow), and the accumulators are loaded and stored once per 8 rows.

    Panel matmuls (a `linalg.generic` over (m, b, p, k) reading a
    `[N / P, K, P]` weight, from a linear in the `panels` layout) are tiled
    the same way with N counted in panels; their register tiles walk the
    rows innermost, so that the panel piece they share stays in L1. Their
    decode reads one whole panel per step (one contiguous stream) with the
    M x P accumulators in registers over all of K, and with `parallel`
    splits the panels over an `scf.forall`.

    With `parallel`, the M and N cache-tile loops of other matmuls form an
    `scf.forall` (the pipeline maps it onto OpenMP threads) with K tiled
    sequentially inside; a decode matmul instead splits K into two
    contiguous halves in an `scf.forall`, so that each thread streams its
    own half of the weight, and the two partial products are summed after.
    Contractions against a weight stored [N, K] (`linalg.generic` with maps
    (m, k), (n, k) -> (m, n): a tied LM head reading the embedding table)
    are not vectorized here, but with `parallel` their M and N are tiled
    into an `scf.forall` too (decode: two halves of N).
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
  let options = [
    ListOption<"cacheTiles", "cache-tiles", "int64_t",
               "M,N,K tile sizes of the cache-level loops (default "
               "128,128,256)">,
    ListOption<"registerTiles", "register-tiles", "int64_t",
               "M,N,K sizes of the vectorized micro-kernel (default 4,64,1)">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Make the M and N cache-tile loops an scf.forall (threads)">
  ];
  let statistics = [
    Statistic<"numFullTiles", "full-tiles",
              "Micro-kernel tiles vectorized without masks">,
    Statistic<"numMaskedTiles", "masked-tiles",
              "Remainder micro-kernel tiles vectorized with masks">
  ];
}

#endif // TFC_CODEGEN_PASSES_TD
