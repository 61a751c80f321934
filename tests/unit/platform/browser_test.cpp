// Opening the sign-in URL: which commands are tried ($BROWSER, then the desktop's opener), and
// that the first one that runs gets the URL as its argument.

#include "platform/browser.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "temp_dir.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

#ifdef __APPLE__
const std::string k_opener = "open";
#else
const std::string k_opener = "xdg-open";
#endif

TEST(BrowserCommands, BrowserEntriesThenTheDesktopOpener) {
    using Argvs = std::vector<std::vector<std::string>>;
    struct Case {
        const char* browser;  ///< nullptr: unset
        Argvs expected;
    };
    const std::string url = "https://signin.example/federation?a=1&b=2";
    for (const auto& c : std::vector<Case>{
             {nullptr, {{k_opener, url}}},
             {"firefox", {{"firefox", url}, {k_opener, url}}},
             {"firefox --new-window", {{"firefox", "--new-window", url}, {k_opener, url}}},
             {"w3m %s -dump:lynx", {{"w3m", url, "-dump"}, {"lynx", url}, {k_opener, url}}},
             {"::", {{k_opener, url}}},
         }) {
        Env env;
        if (c.browser) env.set("BROWSER", c.browser);
        EXPECT_EQ(browser_commands(env, url), c.expected) << (c.browser ? c.browser : "(unset)");
    }
}

/// A script in `dir` that records its arguments in `dir/<name>.argv` and exits with `status`.
std::string script(const TempDir& dir, const std::string& name, int status) {
    std::string path = dir / name;
    std::ofstream(path) << "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" << path << ".argv'\nexit " << status
                        << "\n";
    ::chmod(path.c_str(), 0700);
    return path;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(OpenInBrowser, TheFirstThatWorksGetsTheUrl) {
    TempDir dir;
    std::string failing = script(dir, "failing", 3);
    script(dir, "good", 0);
    Env env({{"PATH", dir.path()}, {"BROWSER", failing + ":missing-browser:good"}});
    Secret url("https://signin.example/federation?Action=login&SigninToken=tok");
    auto opened = open_in_browser(env, url, 5s);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(*opened, "good");
    EXPECT_EQ(slurp(dir / "good.argv"), url.reveal() + "\n");
    EXPECT_EQ(slurp(failing + ".argv"), url.reveal() + "\n") << "the failing one was tried first";
}

TEST(OpenInBrowser, NothingThatWorksIsAnErrorWithoutTheUrl) {
    TempDir dir;
    std::string failing = script(dir, "failing", 1);
    Env env({{"PATH", dir.path()}, {"BROWSER", failing}});
    auto opened = open_in_browser(env, Secret("https://signin.example/?SigninToken=secret-token"), 5s);
    ASSERT_FALSE(opened);
    const std::string& m = opened.error().message;
    EXPECT_NE(m.find("exited with status 1"), std::string::npos) << m;
    EXPECT_NE(m.find(k_opener + ": not found"), std::string::npos) << m;
    EXPECT_EQ(m.find("secret-token"), std::string::npos);
    EXPECT_NE(opened.error().hint.find("--stdout"), std::string::npos);
}

TEST(OpenInBrowser, ABrowserThatKeepsRunningIsLeftToRun) {
    TempDir dir;
    std::string path = dir / "slow";
    std::ofstream(path) << "#!/bin/sh\nsleep 3\n";
    ::chmod(path.c_str(), 0700);
    Env env({{"PATH", dir.path() + ":/usr/bin:/bin"}, {"BROWSER", path}});
    auto start = std::chrono::steady_clock::now();
    auto opened = open_in_browser(env, Secret("https://x/"), 100ms);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "waited for the browser to end";
}

}  // namespace
}  // namespace sesame
