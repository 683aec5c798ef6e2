//===- JsonUtil.h - Private nlohmann::json helpers --------------*- C++ -*-===//

#ifndef TFC_LIB_IMPORT_HF_READER_JSONUTIL_H
#define TFC_LIB_IMPORT_HF_READER_JSONUTIL_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace tfc {
namespace hf {
namespace detail {

/// "a string", "an integer", ... for diagnostics.
inline std::string jsonTypeName(const nlohmann::json &v) {
  switch (v.type()) {
  case nlohmann::json::value_t::null:
    return "null";
  case nlohmann::json::value_t::object:
    return "an object";
  case nlohmann::json::value_t::array:
    return "an array";
  case nlohmann::json::value_t::string:
    return "a string";
  case nlohmann::json::value_t::boolean:
    return "a boolean";
  case nlohmann::json::value_t::number_integer:
  case nlohmann::json::value_t::number_unsigned:
    return "an integer";
  case nlohmann::json::value_t::number_float:
    return "a float";
  case nlohmann::json::value_t::binary:
    return "binary";
  case nlohmann::json::value_t::discarded:
    return "invalid";
  }
  return "unknown";
}

/// True (and sets `out`) if `v` is a JSON integer >= 0.
inline bool asNonNegativeInt(const nlohmann::json &v, uint64_t &out) {
  if (v.is_number_unsigned()) {
    out = v.get<uint64_t>();
    return true;
  }
  if (v.is_number_integer()) {
    int64_t s = v.get<int64_t>();
    if (s < 0)
      return false;
    out = static_cast<uint64_t>(s);
    return true;
  }
  return false;
}

/// True (and sets `out`) if `v` is a JSON integer representable as int64.
inline bool asInt64(const nlohmann::json &v, int64_t &out) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX))
      return false;
    out = static_cast<int64_t>(u);
    return true;
  }
  if (v.is_number_integer()) {
    out = v.get<int64_t>();
    return true;
  }
  return false;
}

} // namespace detail
} // namespace hf
} // namespace tfc

#endif // TFC_LIB_IMPORT_HF_READER_JSONUTIL_H
