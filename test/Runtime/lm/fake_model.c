/*===- fake_model.c - a toy language model with tfc's LM ABI --------------===//
//
// Implements what a compiled language model exports (tfc_model_info,
// _mlir_ciface_tfc_prefill/_decode and, with FAKE_LM_EMBED, the embedded
// tfc_weights blob) so that tfcrt_lm's main() can be tested without the
// compiler. fake_lm.py computes the same model independently (without a
// cache); the tests compare the two.
//
// Model (all arithmetic exact; sw(i) = weight byte i mod NB as int8):
//   A new token t at position p writes, for every layer l, head h, dim d,
//     K[l][p][h][d] = sw(131 t + 17 p + 7 l + 3 h + d)
//     V[l][p][h][d] = sw(37 t + 11 p + 5 l + 13 h + 29 d + 1000)
//   The logits of position p read the cache rows 0..p:
//     acc  = sum_{j<=p, l, h, d} K[l][j][h][d] (j+1) + V[l][j][h][d] (l+h+d+1)
//     seed = acc * G1 + t * G2 + p * G3                       (mod 2^64)
//     x    = mix64(seed ^ (v * G4))
//     logit[v] = float((x >> 44) + 4096 sw(v + p)) / 65536
// Every argument is checked against the ABI; a violation aborts.
//
//===----------------------------------------------------------------------===*/

#include "fake_lm_weights.h" /* generated: FAKE_LM_WEIGHTS_BYTES, _CHECKSUM */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define VOCAB 50257
#define CONTEXT 64
#define LAYERS 2
#define HEADS 2
#define HEAD_DIM 4

#define STR2(x) #x
#define STR(x) STR2(x)

#ifdef FAKE_LM_EMBED
#define MODE "embed"
/* Like tfc's object: the blob, 64-byte aligned, between two symbols. */
__asm__(".section .rodata.tfc_weights,\"a\",@progbits\n"
        ".balign 64\n"
        ".globl tfc_weights\n"
        "tfc_weights:\n"
        ".incbin \"" FAKE_LM_BLOB "\"\n"
        ".globl tfc_weights_end\n"
        "tfc_weights_end:\n"
        ".previous\n");
#else
#define MODE "external"
#endif

const char tfc_model_info[] =
    "arch=fake\n"
    "vocab_size=" STR(
        VOCAB) "\n"
               "context=" STR(
                   CONTEXT) "\n"
                            "num_layers=" STR(
                                LAYERS) "\n"
                                        "num_kv_heads=" STR(
                                            HEADS) "\n"
                                                   "head_dim=" STR(
                                                       HEAD_DIM) "\n"
                                                                 "eos_token_id="
                                                                 "50256\n"
                                                                 "bos_token_id="
                                                                 "50256\n"
                                                                 "weights_"
                                                                 "bytes=" STR(
                                                                     FAKE_LM_WEIGHTS_BYTES) "\n"
                                                                                            "weights_checksum=" FAKE_LM_WEIGHTS_CHECKSUM
                                                                                            "\n"
                                                                                            "weights_mode=" MODE
                                                                                            "\n";

typedef struct {
  int8_t *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} MemRefI8;
typedef struct {
  int64_t *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} MemRefI64;
typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} MemRef2;
typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[4], strides[4];
} MemRef4;

static void check(int ok, const char *what, int64_t value) {
  if (!ok) {
    fprintf(stderr, "fake_model: ABI violation: %s (%lld)\n", what,
            (long long)value);
    abort();
  }
}

static void checkCache(const MemRef4 *c, const char *name) {
  static const int64_t sizes[4] = {LAYERS, CONTEXT, HEADS, HEAD_DIM};
  static const int64_t strides[4] = {CONTEXT * HEADS * HEAD_DIM,
                                     HEADS * HEAD_DIM, HEAD_DIM, 1};
  check(c->aligned != NULL && c->offset == 0, name, c->offset);
  for (int i = 0; i < 4; ++i) {
    check(c->sizes[i] == sizes[i], name, c->sizes[i]);
    check(c->strides[i] == strides[i], name, c->strides[i]);
  }
}

static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static const int8_t *gWeights;
static int64_t sw(int64_t i) { return gWeights[i % FAKE_LM_WEIGHTS_BYTES]; }

static size_t at(int64_t l, int64_t p, int64_t h, int64_t d) {
  return (size_t)(((l * CONTEXT + p) * HEADS + h) * HEAD_DIM + d);
}

static void step(int isDecode, void *weightsArg, void *tokensArg, int64_t pos,
                 void *kArg, void *vArg, void *logitsArg) {
  const MemRefI8 *w = (const MemRefI8 *)weightsArg;
  const MemRefI64 *tokens = (const MemRefI64 *)tokensArg;
  const MemRef4 *k = (const MemRef4 *)kArg, *v = (const MemRef4 *)vArg;
  const MemRef2 *logits = (const MemRef2 *)logitsArg;

  check(w->aligned != NULL && w->offset == 0 && w->strides[0] == 1,
        "weights descriptor", w->offset);
  check(w->sizes[0] == FAKE_LM_WEIGHTS_BYTES, "weights size", w->sizes[0]);
  const int64_t n = tokens->sizes[0];
  check(tokens->aligned != NULL && tokens->offset == 0 &&
            tokens->strides[0] == 1,
        "tokens descriptor", tokens->offset);
  check(isDecode ? n == 1 : n >= 1, "number of tokens", n);
  check(pos >= 0 && pos + n <= CONTEXT, "pos", pos);
  checkCache(k, "key cache");
  checkCache(v, "value cache");
  check(logits->aligned != NULL && logits->offset == 0, "logits descriptor",
        logits->offset);
  check(logits->sizes[0] == n && logits->sizes[1] == VOCAB, "logits sizes",
        logits->sizes[0]);
  check(logits->strides[0] == VOCAB && logits->strides[1] == 1,
        "logits strides", logits->strides[0]);

  gWeights = w->aligned;
  float *kc = k->aligned, *vc = v->aligned;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t t = tokens->aligned[i], p = pos + i;
    check(t >= 0 && t < VOCAB, "token id", t);
    for (int64_t l = 0; l < LAYERS; ++l)
      for (int64_t h = 0; h < HEADS; ++h)
        for (int64_t d = 0; d < HEAD_DIM; ++d) {
          kc[at(l, p, h, d)] = (float)sw(131 * t + 17 * p + 7 * l + 3 * h + d);
          vc[at(l, p, h, d)] =
              (float)sw(37 * t + 11 * p + 5 * l + 13 * h + 29 * d + 1000);
        }
  }
  for (int64_t i = 0; i < n; ++i) {
    const int64_t t = tokens->aligned[i], p = pos + i;
    int64_t acc = 0;
    for (int64_t j = 0; j <= p; ++j)
      for (int64_t l = 0; l < LAYERS; ++l)
        for (int64_t h = 0; h < HEADS; ++h)
          for (int64_t d = 0; d < HEAD_DIM; ++d)
            acc += (int64_t)kc[at(l, j, h, d)] * (j + 1) +
                   (int64_t)vc[at(l, j, h, d)] * (l + h + d + 1);
    const uint64_t seed = (uint64_t)acc * 0x9E3779B97F4A7C15ull +
                          (uint64_t)t * 0xD1B54A32D192ED03ull +
                          (uint64_t)p * 0x8CB92BA72F3D8DD7ull;
    float *row = logits->aligned + i * VOCAB;
    for (int64_t x = 0; x < VOCAB; ++x) {
      uint64_t r = mix64(seed ^ ((uint64_t)x * 0xA24BAED4963EE407ull)) >> 44;
      row[x] = (float)((int32_t)r + 4096 * (int32_t)sw(x + p)) / 65536.0f;
    }
  }
}

/* The runtime's --threads value; shown on stderr when the environment has
   FAKE_LM_SHOW_THREADS. */
extern int tfcrt_num_threads;

void _mlir_ciface_tfc_prefill(void *weights, void *tokens, int64_t pos,
                              void *kcache, void *vcache, void *logits) {
  if (getenv("FAKE_LM_SHOW_THREADS"))
    fprintf(stderr, "fake_model: tfcrt_num_threads=%d\n", tfcrt_num_threads);
  step(0, weights, tokens, pos, kcache, vcache, logits);
}

void _mlir_ciface_tfc_decode(void *weights, void *tokens, int64_t pos,
                             void *kcache, void *vcache, void *logits) {
  step(1, weights, tokens, pos, kcache, vcache, logits);
}
