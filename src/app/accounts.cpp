#include "app/accounts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "prompt/prompt.hpp"
#include "util/strings.hpp"

namespace sesame {

namespace {

bool is_account_id(const std::string& s) {
    return s.size() == 12 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string listing(const std::vector<const OrganizationAccount*>& shown) {
    std::string out;
    for (size_t i = 0; i < shown.size(); ++i)
        out += fmt::format("  {:>3}. {}  {}\n", i + 1, shown[i]->id, shown[i]->name);
    return out;
}

}  // namespace

Result<OrganizationAccount> pick_account(const std::vector<OrganizationAccount>& accounts,
                                         const std::string& value, Prompt& prompt) {
    if (!value.empty()) {
        for (const auto& a : accounts)
            if (a.id == value || a.name == value) return a;
        std::vector<const OrganizationAccount*> matches;
        for (const auto& a : accounts)
            if (to_lower(a.name) == to_lower(value)) matches.push_back(&a);
        if (matches.empty())
            for (const auto& a : accounts)
                if (to_lower(a.name).find(to_lower(value)) != std::string::npos) matches.push_back(&a);
        if (matches.size() == 1) return *matches.front();
        if (is_account_id(value))
            return OrganizationAccount{value, value, "", "", ""};  // not listed, but an id
        if (matches.empty()) {
            std::vector<std::string> names;
            for (const auto& a : accounts) names.push_back(a.name);
            std::string guess = closest_match(value, names);
            return fail(fmt::format("no account named \"{}\" in the organization", value),
                        guess.empty() ? "see them with: sesame accounts"
                                      : fmt::format("did you mean \"{}\"?", guess));
        }
        return fail(fmt::format("\"{}\" matches {} accounts", value, matches.size()),
                    "use the account id or the full name:\n" + listing(matches));
    }
    // The picker: the list, narrowed by what is typed, until a number picks one.
    std::string filter;
    while (true) {
        std::vector<const OrganizationAccount*> shown;
        for (const auto& a : accounts)
            if (filter.empty() || to_lower(a.name).find(filter) != std::string::npos ||
                a.id.find(filter) == 0)
                shown.push_back(&a);
        if (shown.empty()) {
            prompt.tell(fmt::format("No account matches \"{}\".", filter));
            filter.clear();
            continue;
        }
        prompt.tell(listing(shown));
        auto answer =
            prompt.ask(filter.empty() ? "Account (number, or text to filter): "
                                      : fmt::format("Account [{}] (number, or text to filter): ", filter));
        if (!answer && is_cancel(answer.error())) return std::unexpected(std::move(answer.error()));
        if (!answer)
            return fail("--account needs a value when there is no terminal to pick one on",
                        "give the account id or name: --account NAME");
        std::string a = std::string(trim(*answer));
        size_t n = 0;
        auto [ptr, ec] = std::from_chars(a.data(), a.data() + a.size(), n);
        if (!a.empty() && ec == std::errc() && ptr == a.data() + a.size() && a.size() < 6) {
            if (n >= 1 && n <= shown.size()) return *shown[n - 1];
            prompt.tell(fmt::format("Pick 1 to {}.", shown.size()));
            continue;
        }
        filter = to_lower(a);
    }
}

}  // namespace sesame
