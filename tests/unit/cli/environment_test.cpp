#include "cli/environment.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "app/settings.hpp"

namespace sesame {
namespace {

/// The rows of README.md's table of environment variables ("| variable | meaning |").
std::vector<std::string> readme_environment_rows() {
    std::ifstream in(SESAME_SOURCE_DIR "/README.md");
    std::vector<std::string> rows;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (line == "| variable | meaning |") {
            inside = true;
        } else if (inside && line.starts_with("|")) {
            if (!line.starts_with("|---")) rows.push_back(line);
        } else if (inside) {
            break;
        }
    }
    return rows;
}

TEST(Environment, SettingsAreDocumentedFromTheSettingsTable) {
    for (const auto& s : settings_table()) {
        auto it = std::find_if(environment_variables().begin(), environment_variables().end(),
                               [&](const EnvironmentVariable& v) { return v.name == s.name; });
        ASSERT_NE(it, environment_variables().end()) << s.name;
        EXPECT_EQ(it->meaning, setting_meaning(s));
    }
    EXPECT_EQ(setting_meaning(*find_setting("SESAME_LOCK_WAIT")),
              "How long a command waits for another that holds a prompt or a refresh (default 5m).");
}

/// README.md's rows for sesame's settings are the settings table's, in its order: a setting is
/// described in one place (app/settings.cpp) and copied here, checked.
TEST(Environment, ReadmeTableMatchesTheSettingsTable) {
    const auto rows = readme_environment_rows();
    ASSERT_FALSE(rows.empty()) << "README.md has no \"| variable | meaning |\" table";
    std::vector<std::string> readme, expected;
    for (const auto& row : rows)
        if (row.starts_with("| `SESAME_")) readme.push_back(row);
    std::string block;
    for (const auto& s : settings_table()) {
        if (s.use != SettingUse::Read) continue;
        expected.push_back("| `" + std::string(s.name) + "` | " + setting_meaning(s) + " |");
        block += expected.back() + "\n";
    }
    EXPECT_EQ(readme, expected) << "README.md's environment table should list, as they are:\n" << block;

    // Every other variable it names is one the man page documents.
    std::set<std::string> documented;
    for (const auto& v : environment_variables()) documented.insert(v.name);
    const std::regex name_re("`([A-Z][A-Z0-9_]+)`");
    for (const auto& row : rows) {
        for (std::sregex_iterator it(row.begin(), row.end(), name_re), end; it != end; ++it) {
            std::string name = (*it)[1];
            if (name.starts_with("AWS_ENDPOINT_URL_")) name = "AWS_ENDPOINT_URL_<SERVICE>";
            EXPECT_TRUE(documented.count(name)) << name << " is in README.md but not in cli/environment.cpp";
        }
    }
}

}  // namespace
}  // namespace sesame
