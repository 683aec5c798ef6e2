/*===- Checksum.h - weight-blob checksum shared by tfc and tfcrt -*- C -*-===//
//
// A 64-bit hash of the blob read as little-endian uint64 words (constants
// P1..P5 and the exact steps are in Checksum.cpp): four lanes absorb 32-byte
// stripes with mix(acc, w) = rotl(acc + w*P2, 31) * P1, then the lanes, the
// leftover words and the tail bytes are folded into one state seeded with the
// size, and a final xor-shift/multiply avalanche mixes it. Unlike FNV-1a over
// words, flips of the same high bit in two words cannot cancel.
// The result is shown as 16 lowercase hex digits (model info
// "weights_checksum"). Dependency-free; the same bytes give the same value on
// any host, whatever its endianness or the blob's alignment.
//
//===----------------------------------------------------------------------===*/
#ifndef TFCRT_LM_CHECKSUM_H
#define TFCRT_LM_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

uint64_t tfcrtChecksum(const void *data, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* TFCRT_LM_CHECKSUM_H */
