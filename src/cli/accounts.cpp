#include "cli/accounts.hpp"

#include <fmt/format.h>

#include <memory>

#include "app/accounts.hpp"
#include "app/credential_service.hpp"
#include "app/user_key.hpp"
#include "cli/credential_flags.hpp"

namespace sesame {

CommandRun declare_accounts(CommandFlags& flags) {
    auto request = std::make_shared<CredentialRequest>();
    declare_credential_flags(flags, *request, AccountFlags::Without);
    flags.example("Example: sesame accounts admin");
    return [request](Context& ctx, const std::vector<std::string>&) { return run_accounts(*request, ctx); };
}

Result<int> run_accounts(const CredentialRequest& request, Context& ctx) {
    auto source = CredentialSource::open(ctx, request);
    if (!source) return std::unexpected(source.error());
    auto creds = (*source)->fetch();
    if (!creds) return std::unexpected(creds.error());
    auto org = ctx.organizations((*source)->profile());
    if (!org) return std::unexpected(org.error());
    auto accounts = (*org)->list_accounts(*creds);
    if (!accounts) return std::unexpected(accounts.error());
    size_t w = 4;
    for (const auto& a : *accounts) w = std::max(w, a.name.size());
    std::string text = fmt::format("{:<12}  {:<{}}  {}\n", "ID", "NAME", w, "STATUS");
    for (const auto& a : *accounts) text += fmt::format("{:<12}  {:<{}}  {}\n", a.id, a.name, w, a.status);
    ctx.out(text);
    return 0;
}

}  // namespace sesame
