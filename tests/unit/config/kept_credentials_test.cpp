#include "config/kept_credentials.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/aws_config.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

Credentials session(std::string id) {
    Credentials c;
    c.access_key_id = std::move(id);
    c.secret_access_key = Secret("sekret/+=");
    c.session_token = Secret("tok+en==");
    c.expiration = parse_rfc3339("2026-11-30T20:00:00Z");
    return c;
}

std::string render(std::string_view source, const std::vector<KeptSection>& kept) {
    auto out = render_kept_credentials(source, "/home/u/.aws/credentials", kept);
    EXPECT_TRUE(out) << out.error().message;
    return out ? *out : "";
}

std::string header() {
    return std::string(k_kept_marker) + "\n# Source: /home/u/.aws/credentials\n";
}

const char* const k_kept_admin =
    "\n[admin-keep]\naws_access_key_id = ASIAKEPT\naws_secret_access_key = sekret/+=\n"
    "aws_session_token = tok+en==\naws_credential_expiration = 2026-11-30T20:00:00Z\n";

TEST(KeptCredentials, CopiesOtherSectionsByteForByte) {
    const std::string source =
        "; leading comment\n[dev]\naws_access_key_id=AKIADEV\n  # indented comment\naws_secret_access_key :  "
        "x y \n\n"
        "[ci]   \n\taws_access_key_id = AKIACI\n";
    Credentials c = session("ASIAKEPT");
    EXPECT_EQ(render(source, {{"admin-keep", &c}}), header() + k_kept_admin + "\n" + source);
}

TEST(KeptCredentials, KeepsCrlfLineEnds) {
    const std::string source = "[dev]\r\naws_access_key_id = AKIADEV\r\naws_secret_access_key = s\r\n";
    Credentials c = session("ASIAKEPT");
    EXPECT_EQ(render(source, {{"admin-keep", &c}}), header() + k_kept_admin + "\n" + source);
}

TEST(KeptCredentials, ReplacesTheSourceSectionOfTheSameName) {
    const std::string source =
        "[dev]\naws_access_key_id = AKIADEV\n\n[admin-keep]\naws_access_key_id = OLD\r\n; its comment\n"
        "[ci]\r\naws_access_key_id = AKIACI\n";
    Credentials c = session("ASIAKEPT");
    const std::string out = render(source, {{"admin-keep", &c}});
    EXPECT_EQ(out, header() + k_kept_admin + "\n" +
                       "[dev]\naws_access_key_id = AKIADEV\n\n[ci]\r\naws_access_key_id = AKIACI\n");
    // Read back as botocore reads it: one [admin-keep], the kept session's.
    auto cfg = AwsConfig::parse("", out, {"config", "kept"});
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(cfg->credentials("admin-keep")->find("aws_access_key_id")->value, "ASIAKEPT");
    EXPECT_EQ(cfg->credentials("ci")->find("aws_access_key_id")->value, "AKIACI");
}

TEST(KeptCredentials, ReplacesTheLastSectionAndOnlyExactNames) {
    const std::string source = "[Admin-Keep]\nx = 1\n[admin-keep]\naws_access_key_id = OLD";
    Credentials c = session("ASIAKEPT");
    EXPECT_EQ(render(source, {{"admin-keep", &c}}), header() + k_kept_admin + "\n[Admin-Keep]\nx = 1\n");
}

TEST(KeptCredentials, EmptySourceAndLongTermKeys) {
    Credentials c;
    c.access_key_id = "AKIALONG";
    c.secret_access_key = Secret("s");
    EXPECT_EQ(render("", {{"k", &c}}),
              header() + "\n[k]\naws_access_key_id = AKIALONG\naws_secret_access_key = s\n");
}

TEST(KeptCredentials, MarkerNamesTheSource) {
    Credentials c = session("ASIAKEPT");
    EXPECT_EQ(kept_file_source(render("", {{"k", &c}})), "/home/u/.aws/credentials");
    EXPECT_EQ(kept_file_source("[dev]\n"), std::nullopt);
    EXPECT_EQ(kept_file_source(std::string(k_kept_marker) + "\n# Source: \n"), std::nullopt);
}

TEST(KeptCredentials, Refusals) {
    Credentials c = session("ASIAKEPT");
    // A kept file is never a source (the loop), a broken source is named, odd sections are refused.
    auto loop = render_kept_credentials(render("", {{"k", &c}}), "/kept", {{"k", &c}});
    ASSERT_FALSE(loop);
    EXPECT_NE(loop.error().message.find("/kept is itself a file sesame keep writes"), std::string::npos);
    auto broken = render_kept_credentials("[dev]\n[dev]\n", "/src", {{"k", &c}});
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("/src:"), std::string::npos);
    for (std::string bad : {"", "a]b", "[a", " a", "a\t", "a\nb", "DEFAULT"})
        EXPECT_FALSE(render_kept_credentials("", "/src", {{bad, &c}})) << bad;
    EXPECT_FALSE(render_kept_credentials("", "/src", {{"k", &c}, {"k", &c}}));
    Credentials injected = session("ASIA\n[evil]");
    EXPECT_FALSE(render_kept_credentials("", "/src", {{"k", &injected}}));
    EXPECT_FALSE(render_kept_credentials("", "/src\n[x]", {{"k", &c}}));
}

TEST(KeptCredentials, AwsConfigFollowsAKeptFileToItsSource) {
    // AWS_SHARED_CREDENTIALS_FILE naming the kept file must not make sesame read its own sessions.
    const std::string dir = ::testing::TempDir() + "/kept_follow";
    std::filesystem::create_directories(dir);
    const std::string src = dir + "/credentials", kept = dir + "/kept";
    {
        std::ofstream(src) << "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = s\n";
        Credentials c = session("ASIAKEPT");
        auto text = render_kept_credentials("", src, {{"admin-keep", &c}});
        ASSERT_TRUE(text);
        std::ofstream(kept) << *text;
    }
    auto cfg = AwsConfig::load({dir + "/config", kept});
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(cfg->paths().credentials, src);
    EXPECT_NE(cfg->credentials("dev"), nullptr);
    EXPECT_EQ(cfg->credentials("admin-keep"), nullptr);
    // A source that is itself a kept file is refused rather than followed again.
    { std::ofstream(src) << std::string(k_kept_marker) << "\n# Source: " << kept << "\n"; }
    auto loop = AwsConfig::load({dir + "/config", kept});
    ASSERT_FALSE(loop);
    EXPECT_NE(loop.error().message.find("sesame keep writes too"), std::string::npos);
}

}  // namespace
}  // namespace sesame
