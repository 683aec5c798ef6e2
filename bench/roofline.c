// The machine's limits for bench/run.sh: sustained memory read bandwidth
// and fp32 FMA peak, on N threads (pthreads, one buffer slice or one set of
// FMA chains per thread).
//
//   roofline [--threads N] [--mib M] [--trials K]
//
// Prints two lines (best trial of K; each trial times all threads together,
// from a common start barrier to the last thread's end):
//   read_bandwidth_gbs X
//   fma_gflops Y
//
// Bandwidth: each thread sums its slice of an M MiB buffer (default 512,
// far above the L3) with AVX-512 loads, several passes per trial.
// FMA: each thread runs 16 independent chains of 512-bit fmadd (enough to
// cover the FMA latency on two pipes); 2 flops x 16 lanes per fmadd.
//
// Build: clang-22 -O3 -march=native -pthread bench/roofline.c -o roofline
#include <immintrin.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define MAX_THREADS 256
#define FMA_ITERS 20000000L
#define READ_PASSES 8

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct {
  int id;
  int trials;
  float *base;
  size_t floats; // this thread's slice
  double start[64], end[64];
  float sink;
} Task;

static pthread_barrier_t barrier;

static float read_slice(const float *p, size_t n) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  __m512 a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (size_t i = 0; i + 128 <= n; i += 128) {
    a0 = _mm512_add_ps(a0, _mm512_load_ps(p + i));
    a1 = _mm512_add_ps(a1, _mm512_load_ps(p + i + 16));
    a2 = _mm512_add_ps(a2, _mm512_load_ps(p + i + 32));
    a3 = _mm512_add_ps(a3, _mm512_load_ps(p + i + 48));
    a4 = _mm512_add_ps(a4, _mm512_load_ps(p + i + 64));
    a5 = _mm512_add_ps(a5, _mm512_load_ps(p + i + 80));
    a6 = _mm512_add_ps(a6, _mm512_load_ps(p + i + 96));
    a7 = _mm512_add_ps(a7, _mm512_load_ps(p + i + 112));
  }
  a0 = _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3));
  a4 = _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7));
  return _mm512_reduce_add_ps(_mm512_add_ps(a0, a4));
}

static void *read_worker(void *arg) {
  Task *t = arg;
  float *p = t->base;
  // First touch by the thread that reads it.
  for (size_t i = 0; i < t->floats; ++i)
    p[i] = (float)(i & 7);
  float sink = 0;
  for (int k = 0; k < t->trials; ++k) {
    pthread_barrier_wait(&barrier);
    t->start[k] = now();
    for (int pass = 0; pass < READ_PASSES; ++pass)
      sink += read_slice(p, t->floats);
    t->end[k] = now();
  }
  t->sink = sink;
  return NULL;
}

#define FMA16(a, b)                                                            \
  c0 = _mm512_fmadd_ps(c0, a, b);                                              \
  c1 = _mm512_fmadd_ps(c1, a, b);                                              \
  c2 = _mm512_fmadd_ps(c2, a, b);                                              \
  c3 = _mm512_fmadd_ps(c3, a, b);                                              \
  c4 = _mm512_fmadd_ps(c4, a, b);                                              \
  c5 = _mm512_fmadd_ps(c5, a, b);                                              \
  c6 = _mm512_fmadd_ps(c6, a, b);                                              \
  c7 = _mm512_fmadd_ps(c7, a, b);                                              \
  c8 = _mm512_fmadd_ps(c8, a, b);                                              \
  c9 = _mm512_fmadd_ps(c9, a, b);                                              \
  c10 = _mm512_fmadd_ps(c10, a, b);                                            \
  c11 = _mm512_fmadd_ps(c11, a, b);                                            \
  c12 = _mm512_fmadd_ps(c12, a, b);                                            \
  c13 = _mm512_fmadd_ps(c13, a, b);                                            \
  c14 = _mm512_fmadd_ps(c14, a, b);                                            \
  c15 = _mm512_fmadd_ps(c15, a, b);

static void *fma_worker(void *arg) {
  Task *t = arg;
  // c = c * a + b converges to b / (1 - a) = 1: no overflow, no denormals.
  const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.001f);
  float sink = 0;
  for (int k = 0; k < t->trials; ++k) {
    // Distinct starting values, so the chains cannot be merged.
    const float s = (float)t->id;
    __m512 c0 = _mm512_set1_ps(s), c1 = _mm512_set1_ps(s + 1),
           c2 = _mm512_set1_ps(s + 2), c3 = _mm512_set1_ps(s + 3),
           c4 = _mm512_set1_ps(s + 4), c5 = _mm512_set1_ps(s + 5),
           c6 = _mm512_set1_ps(s + 6), c7 = _mm512_set1_ps(s + 7),
           c8 = _mm512_set1_ps(s + 8), c9 = _mm512_set1_ps(s + 9),
           c10 = _mm512_set1_ps(s + 10), c11 = _mm512_set1_ps(s + 11),
           c12 = _mm512_set1_ps(s + 12), c13 = _mm512_set1_ps(s + 13),
           c14 = _mm512_set1_ps(s + 14), c15 = _mm512_set1_ps(s + 15);
    pthread_barrier_wait(&barrier);
    t->start[k] = now();
    for (long i = 0; i < FMA_ITERS; ++i) {
      FMA16(a, b)
    }
    t->end[k] = now();
    c0 = _mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3));
    c4 = _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7));
    c8 = _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11));
    c12 = _mm512_add_ps(_mm512_add_ps(c12, c13), _mm512_add_ps(c14, c15));
    c0 = _mm512_add_ps(_mm512_add_ps(c0, c4), _mm512_add_ps(c8, c12));
    sink += _mm512_reduce_add_ps(c0);
  }
  t->sink = sink;
  return NULL;
}

// Runs fn on n threads; returns the best (shortest) trial time.
static double run(void *(*fn)(void *), Task *tasks, int n, int trials) {
  pthread_t tid[MAX_THREADS];
  pthread_barrier_init(&barrier, NULL, (unsigned)n);
  for (int i = 0; i < n; ++i)
    pthread_create(&tid[i], NULL, fn, &tasks[i]);
  volatile float sink = 0;
  for (int i = 0; i < n; ++i) {
    pthread_join(tid[i], NULL);
    sink += tasks[i].sink;
  }
  (void)sink;
  pthread_barrier_destroy(&barrier);
  double best = 1e30;
  for (int k = 0; k < trials; ++k) {
    double start = tasks[0].start[k], end = tasks[0].end[k];
    for (int i = 1; i < n; ++i) {
      if (tasks[i].start[k] < start)
        start = tasks[i].start[k];
      if (tasks[i].end[k] > end)
        end = tasks[i].end[k];
    }
    if (end - start < best)
      best = end - start;
  }
  return best;
}

int main(int argc, char **argv) {
  int threads = 1, trials = 5;
  long mib = 512;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--mib") && i + 1 < argc)
      mib = atol(argv[++i]);
    else if (!strcmp(argv[i], "--trials") && i + 1 < argc)
      trials = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: %s [--threads N] [--mib M] [--trials K]\n",
              argv[0]);
      return 2;
    }
  }
  if (threads < 1 || threads > MAX_THREADS || trials < 1 || trials > 64 ||
      mib < 1) {
    fprintf(stderr, "roofline: bad arguments\n");
    return 2;
  }
  static Task tasks[MAX_THREADS];

  // Slices are multiples of 128 floats (512 B), 2 MiB-aligned buffer.
  size_t bytes = (size_t)mib << 20;
  size_t per = (bytes / sizeof(float) / (size_t)threads) / 128 * 128;
  float *buf = NULL;
  if (posix_memalign((void **)&buf, 2u << 20, bytes) != 0) {
    fprintf(stderr, "roofline: cannot allocate %ld MiB\n", mib);
    return 1;
  }
  madvise(buf, bytes, MADV_HUGEPAGE);
  for (int i = 0; i < threads; ++i) {
    memset(&tasks[i], 0, sizeof(Task));
    tasks[i].id = i;
    tasks[i].trials = trials;
    tasks[i].base = buf + (size_t)i * per;
    tasks[i].floats = per;
  }
  double t = run(read_worker, tasks, threads, trials);
  double read_bytes = (double)per * sizeof(float) * threads * READ_PASSES;
  printf("read_bandwidth_gbs %.2f\n", read_bytes / t / 1e9);
  free(buf);

  for (int i = 0; i < threads; ++i)
    tasks[i].trials = trials < 3 ? trials : 3;
  t = run(fma_worker, tasks, threads, tasks[0].trials);
  double flops = 2.0 * 16 * 16 * (double)FMA_ITERS * threads;
  printf("fma_gflops %.1f\n", flops / t / 1e9);
  return 0;
}
