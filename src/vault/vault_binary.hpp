#pragma once

#include <string>
#include <string_view>

#include "util/error.hpp"
#include "vault/vault_data.hpp"

namespace sesame {

/// The compact form the vault's contents are written in since version 2: a marker byte (0x02,
/// never '{', so version-1 JSON stays readable), a little-endian u32 version, then counted
/// records of length-prefixed strings and i64 Unix times. Reading it costs a fraction of
/// parsing JSON, which dominated a cached `sesame exec`.
inline constexpr char k_vault_binary_marker = '\x02';
inline constexpr std::uint32_t k_vault_binary_version = 2;

std::string serialize_binary(const VaultData& data);
/// Errors never quote the input (it holds secrets).
Result<VaultData> deserialize_binary(std::string_view bytes);

}  // namespace sesame
