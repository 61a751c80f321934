#include "cli/rotate.hpp"

#include <fmt/format.h>

#include "app/key_service.hpp"

namespace sesame {

Result<int> run_rotate(const RotateOptions& options, Context& ctx) {
    auto rotated = rotate_key(ctx, RotateRequest{options.profile, options.no_session, options.mfa_token},
                              [&](std::string_view line) { ctx.out(fmt::format("{}\n", line)); });
    if (!rotated) return std::unexpected(std::move(rotated.error()));
    ctx.out(fmt::format("Profile \"{}\" now uses access key {}\n", rotated->first, rotated->second));
    return 0;
}

CommandRun declare_rotate(CommandFlags& flags) {
    auto options = std::make_shared<RotateOptions>();
    flags.positional(
        "profile", options->profile,
        "Profile whose key to rotate (default: $AWS_DEFAULT_PROFILE, $AWS_PROFILE, then \"default\")");
    flags.flag("-n,--no-session", options->no_session,
               "Sign the IAM calls with the key itself, not an MFA session");
    flags.option("-t,--mfa-token", options->mfa_token, "CODE",
                 "MFA code, instead of being asked on the terminal");
    flags.example("Example: sesame rotate alice   (the new key is checked before the old is deleted)");
    return [options](Context& ctx, const std::vector<std::string>&) { return run_rotate(*options, ctx); };
}

}  // namespace sesame
