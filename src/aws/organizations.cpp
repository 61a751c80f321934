#include "aws/organizations.hpp"

#include <fmt/format.h>

namespace sesame {

namespace {

/// More pages than any organization has (its quota is in the thousands of accounts, 20 a page):
/// a service that keeps answering with new tokens is broken, not big.
constexpr int k_max_pages = 10000;

std::unexpected<Error> malformed(std::string_view operation, std::string_view what) {
    return fail(fmt::format("malformed {} response from Organizations: {}", operation, what),
                "this is unexpected; retry, and report it if it persists");
}

std::string string_field(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<std::vector<OrganizationAccount>> Organizations::list_accounts(const Credentials& caller) {
    std::vector<OrganizationAccount> accounts;
    std::string token;
    for (int page = 0; page < k_max_pages; ++page) {
        JsonCall call{"organizations", k_target_prefix, "ListAccounts", nlohmann::json::object()};
        if (!token.empty()) call.body["NextToken"] = token;
        auto response = m_api.call(caller, call);
        if (!response) return std::unexpected(std::move(response.error()));

        auto list = response->find("Accounts");
        if (list == response->end() || !list->is_array())
            return malformed(call.operation, "missing Accounts");
        for (const auto& item : *list) {
            if (!item.is_object()) return malformed(call.operation, "an Accounts entry is not an object");
            OrganizationAccount account{string_field(item, "Id"), string_field(item, "Name"),
                                        string_field(item, "Email"), string_field(item, "Status"),
                                        string_field(item, "Arn")};
            if (account.status.empty()) account.status = string_field(item, "State");
            if (account.id.empty()) return malformed(call.operation, "an account without an Id");
            accounts.push_back(std::move(account));
        }

        std::string next = string_field(*response, "NextToken");
        if (next.empty()) return accounts;
        if (next == token) return malformed(call.operation, "the same NextToken twice");
        token = std::move(next);
    }
    return malformed("ListAccounts", fmt::format("more than {} pages", k_max_pages));
}

}  // namespace sesame
