#pragma once

#include <string>
#include <string_view>

#include "app/credential_service.hpp"

namespace sesame {

/// The credential flags that obtained a shell's credentials, besides the profile, as the shell
/// carries them in SESAME_REFRESH_OPTIONS: `--account 123456789012 --role NAME --region REGION
/// --duration SECONDS --no-session`, only those given. Its refresh (`sesame export --refresh`, run
/// by the init scripts' `aws` and `sesame-refresh`) reads them back, so that renewed credentials
/// are for the same identity: without them a shell started with `--account` would refresh into
/// the profile's own account. Never secret: no MFA code. `account_id` is --account resolved to
/// its id (a name or the picker's choice is not asked again).
std::string refresh_options_text(const CredentialRequest& request, const std::string& account_id);

/// Sets `request`'s flags from `text`, as refresh_options_text writes it and nothing else (each
/// value checked: a 12-digit account, an IAM role name, a region, whole seconds); an error names
/// SESAME_REFRESH_OPTIONS and says how to get a good one.
Result<void> apply_refresh_options(std::string_view text, CredentialRequest& request);

}  // namespace sesame
