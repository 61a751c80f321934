#pragma once

// The contract every SecretStore backend passes (as restic runs one suite against every storage
// backend). A backend joins by writing a StoreHarness and one INSTANTIATE_TEST_SUITE_P line:
// see secret_store_contract_test.cpp for the file vault and the in-memory store.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "util/clock.hpp"
#include "vault/secret_store.hpp"

namespace sesame::testing {

/// One store of the backend under test, fresh and empty; open() makes another handle on it, as
/// another process would open it.
class StoreHarness {
  public:
    virtual ~StoreHarness() = default;
    virtual std::unique_ptr<SecretStore> open(const Clock& clock, std::chrono::milliseconds lock_wait) = 0;
    /// Why the backend cannot run here (no Secret Service on the bus, keyrings forbidden): the
    /// suite is skipped with this reason shown. nullopt: it runs.
    virtual std::optional<std::string> unavailable() { return std::nullopt; }
};

struct StoreBackend {
    std::string name;
    std::function<std::unique_ptr<StoreHarness>()> make;
};

class SecretStoreContract : public ::testing::TestWithParam<StoreBackend> {};

}  // namespace sesame::testing
