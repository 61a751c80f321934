#pragma once

#include <memory>
#include <string>

#include "aws/credentials.hpp"
#include "util/error.hpp"

namespace sesame {

/// One way to obtain credentials. Providers compose as decorators, as in aws-vault: a cached
/// provider wraps an AssumeRole provider, which wraps a GetSessionToken provider, which wraps
/// the vault's long-term keys. Each file in providers/ is one such way.
class CredentialsProvider {
  public:
    virtual ~CredentialsProvider() = default;
    virtual Result<Credentials> retrieve() = 0;
    /// A short description for --debug: "AssumeRole arn:aws:iam::1:role/admin".
    virtual std::string describe() const = 0;
};

using ProviderPtr = std::unique_ptr<CredentialsProvider>;

}  // namespace sesame
