#include "cli/usage_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "cli/aws_vault_flags.hpp"
#include "shell/export_format.hpp"
#include "util/strings.hpp"

namespace sesame {
namespace {

bool is_flag(std::string_view word) {
    return word.size() > 1 && word[0] == '-';
}

/// A word as it would be typed again: quoted only when the shell would split or expand it.
std::string typed(const std::string& word) {
    const bool plain = !word.empty() && std::ranges::all_of(word, [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("_./:=@%+,-").find(c) != std::string_view::npos;
    });
    return plain ? word : shell_quote(word);
}

std::string typed_line(const std::vector<std::string>& words) {
    std::vector<std::string> out;
    for (const auto& w : words) out.push_back(typed(w));
    return join(out, " ");
}

}  // namespace

Error usage_error(std::string_view command, const std::vector<std::string>& args,
                  const std::vector<FlagShape>& flags, std::string_view parser_message) {
    const std::string help = command.empty() ? std::string("run 'sesame --help' for usage")
                                             : fmt::format("run 'sesame {} --help' for its options", command);
    std::vector<std::string> names;
    for (const auto& f : flags) names.push_back(f.name);

    bool in_command = command.empty();
    size_t positionals = 0, command_words = 0;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (!in_command) {
            in_command = word == command;
            continue;
        }
        if (!is_flag(word)) {
            // exec's first positional is the profile; the words after it are the command's.
            if (++positionals == 2 && command == "exec") command_words = i;
            continue;
        }
        const std::string name = word.substr(0, word.find('='));
        auto known = std::ranges::find(flags, name, &FlagShape::name);
        if (known != flags.end() || name == "-h" || name == "--help") {
            if (known != flags.end() && known->takes_value && name == word && i + 1 < args.size() &&
                !is_flag(args[i + 1]))
                ++i;
            continue;
        }
        if (command_words) {
            std::vector<std::string> fixed(args.begin(), args.begin() + static_cast<long>(command_words));
            fixed.push_back("--");
            fixed.insert(fixed.end(), args.begin() + static_cast<long>(command_words), args.end());
            return Error{fmt::format("{} is not an option of sesame {}: is it the command's?",
                                     printable(word), command),
                         fmt::format("put -- before the command: sesame {}", typed_line(fixed)), 2};
        }
        if (const AwsVaultFlag* theirs = find_aws_vault_flag(command, word); theirs && !theirs->accepts)
            return Error{fmt::format("{} {}: {}", command, name, theirs->refusal), theirs->instead, 2};
        std::string guess = closest_match(name, names);
        std::string where = command.empty() ? std::string("sesame") : fmt::format("sesame {}", command);
        return Error{fmt::format("unknown option {} for {}", printable(name), where),
                     guess.empty() ? help : fmt::format("did you mean {}? ({})", guess, help), 2};
    }
    return Error{std::string(parser_message), help, 2};
}

}  // namespace sesame
