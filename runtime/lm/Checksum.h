/*===- Checksum.h - weight-blob checksum shared by tfc and tfcrt -*- C -*-===//
//
// FNV-1a 64-bit over the blob read as little-endian uint64 words:
//   h = 0xcbf29ce484222325
//   for each whole 8-byte word w:   h ^= w; h *= 0x100000001b3
//   for each remaining tail byte b: h ^= b; h *= 0x100000001b3
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
