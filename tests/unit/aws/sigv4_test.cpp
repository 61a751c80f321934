#include "aws/sigv4.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "util/strings.hpp"

#ifndef SESAME_SOURCE_DIR
#error "SESAME_SOURCE_DIR must name the repository root (CMake defines it for the test binary)"
#endif

namespace sesame::sigv4 {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

// ---- AWS's published SigV4 suite (../shared/testdata/aws4_testsuite) ----

/// Cases botocore does not run either (see the suite's README.md): a request line Python's HTTP
/// parser rejects, and repeated query keys, which SDKs never send.
const std::set<std::string> k_skipped_cases = {
    "normalize-path/get-space",
    "get-vanilla-query-order-key",
    "get-vanilla-query-order-key-case",
    "get-vanilla-query-order-value",
};

fs::path suite_dir() {
    if (const char* dir = std::getenv("SESAME_AWS4_TESTSUITE"); dir != nullptr && *dir != '\0') return dir;
    return fs::path(SESAME_SOURCE_DIR "/../shared/testdata/aws4_testsuite").lexically_normal();
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::string without_cr(std::string s) {
    std::erase(s, '\r');
    return s;
}

/// Parses a raw HTTP/1.1 request: request line, headers (a line starting with a space or tab
/// continues the previous value), an optional blank line, then the body.
Request parse_raw_request(const std::string& raw) {
    Request r;
    size_t pos = 0;
    auto next_line = [&]() -> std::string {
        size_t end = raw.find('\n', pos);
        std::string line = raw.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        pos = end == std::string::npos ? raw.size() : end + 1;
        if (line.ends_with('\r')) line.pop_back();
        return line;
    };
    std::string request_line = next_line();
    size_t first_space = request_line.find(' ');
    size_t last_space = request_line.rfind(' ');
    r.method = request_line.substr(0, first_space);
    std::string target = request_line.substr(first_space + 1, last_space - first_space - 1);
    size_t question = target.find('?');
    r.path = target.substr(0, question);
    if (question != std::string::npos) r.query = target.substr(question + 1);

    while (pos < raw.size()) {
        std::string line = next_line();
        if (line.empty()) break;
        if ((line.front() == ' ' || line.front() == '\t') && !r.headers.empty()) {
            r.headers.back().second += "\n" + line;
            continue;
        }
        size_t colon = line.find(':');
        r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
    r.body = raw.substr(pos);
    return r;
}

/// The suite's session token is the x-amz-security-token line of the expected canonical request.
std::string token_from(const std::string& creq) {
    for (const auto& line : split(creq, '\n'))
        if (line.starts_with("x-amz-security-token:")) return line.substr(line.find(':') + 1);
    return {};
}

std::string header(const Headers& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (to_lower(key) == to_lower(name)) return value;
    return {};
}

size_t header_count(const Headers& headers, std::string_view name) {
    return static_cast<size_t>(
        std::ranges::count_if(headers, [&](const auto& h) { return to_lower(h.first) == to_lower(name); }));
}

/// Checks every case under `dir` and returns how many were checked.
int check_every_case(const fs::path& dir) {
    const TimePoint when = sys_days{2015y / 8 / 30} + 12h + 36min;
    int checked = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_directory()) continue;
        fs::path base = entry.path() / entry.path().filename();
        if (!fs::exists(fs::path(base).concat(".req"))) continue;
        std::string name = entry.path().lexically_relative(dir).generic_string();
        if (k_skipped_cases.contains(name)) continue;
        SCOPED_TRACE("case " + name);

        std::string expected_creq = without_cr(read_file(fs::path(base).concat(".creq")));
        std::string expected_sts = without_cr(read_file(fs::path(base).concat(".sts")));
        std::string expected_authz = without_cr(read_file(fs::path(base).concat(".authz")));
        Credentials creds{"AKIDEXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                          Secret(token_from(expected_creq))};

        Request request = parse_raw_request(read_file(fs::path(base).concat(".req")));
        sign(request, creds, "us-east-1", "service", when);

        Request as_signed = request;
        std::erase_if(as_signed.headers, [](const auto& h) { return h.first == "Authorization"; });
        std::string creq = canonical_request(as_signed);
        EXPECT_EQ(creq, expected_creq);
        EXPECT_EQ(string_to_sign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", creq),
                  expected_sts);
        EXPECT_EQ(header(request.headers, "Authorization"), expected_authz);
        ++checked;
    }
    return checked;
}

std::string missing_suite(const fs::path& dir) {
    return "AWS SigV4 test suite not found at " + dir.string() +
           " (a fresh clone has no ../shared beside it; set SESAME_AWS4_TESTSUITE to point elsewhere)";
}

TEST(Aws4TestSuite, EveryCaseMatchesCanonicalRequestStringToSignAndAuthorization) {
    fs::path dir = suite_dir();
    if (!fs::is_directory(dir)) GTEST_SKIP() << missing_suite(dir);
    check_every_case(dir);
}

TEST(Aws4TestSuite, ChecksAtLeastTwentyCases) {
    fs::path dir = suite_dir();
    if (!fs::is_directory(dir)) GTEST_SKIP() << missing_suite(dir);
    int checked = check_every_case(dir);
    EXPECT_GE(checked, 20) << "only " << checked << " cases found under " << dir;
}

// ---- Hand-written cases; expected values come from botocore 1.43 SigV4Auth.add_auth ----

const TimePoint k_now = sys_days{2024y / 1 / 2} + 3h + 4min + 5s;
const std::string k_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const std::string k_token = "FwoGZXIvYXdzEXAMPLE//token+with/slashes==";

Credentials temporary_creds() {
    return {"ASIAEXAMPLE", Secret(k_secret), Secret(k_token)};
}
Credentials long_term_creds() {
    return {"AKIDEXAMPLE", Secret(k_secret), Secret()};
}

TEST(Sign, SessionTokenIsAddedAndSigned) {
    Request r{"GET", "/", "", {{"Host", "example.amazonaws.com"}}, ""};
    sign(r, temporary_creds(), "us-east-1", "service", k_now);

    EXPECT_EQ(header(r.headers, "X-Amz-Security-Token"), k_token);
    EXPECT_EQ(header(r.headers, "X-Amz-Date"), "20240102T030405Z");
    std::string authz = header(r.headers, "Authorization");
    EXPECT_NE(authz.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"), std::string::npos);
    EXPECT_EQ(authz,
              "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20240102/us-east-1/service/aws4_request, "
              "SignedHeaders=host;x-amz-date;x-amz-security-token, "
              "Signature=d4e563734c0ae5b3355af7bffc1bf91eabdc5d3b991a5dccdafb6e8fb585cabf");
}

TEST(Sign, SigningAgainReplacesEarlierSignatureHeaders) {
    Request r{"GET", "/", "", {{"Host", "example.amazonaws.com"}}, ""};
    sign(r, temporary_creds(), "us-east-1", "service", k_now - 1h);
    sign(r, temporary_creds(), "us-east-1", "service", k_now);
    for (const char* name : {"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "Host"})
        EXPECT_EQ(header_count(r.headers, name), 1u) << name;
    EXPECT_EQ(header(r.headers, "Authorization"),
              "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20240102/us-east-1/service/aws4_request, "
              "SignedHeaders=host;x-amz-date;x-amz-security-token, "
              "Signature=d4e563734c0ae5b3355af7bffc1bf91eabdc5d3b991a5dccdafb6e8fb585cabf");
}

TEST(Sign, NoHeaderCarriesTheSecretKey) {
    Request r{"POST", "/", "", {{"Host", "sts.amazonaws.com"}}, "Action=GetCallerIdentity"};
    sign(r, temporary_creds(), "us-east-1", "sts", k_now);
    for (const auto& [name, value] : r.headers) EXPECT_EQ(value.find(k_secret), std::string::npos) << name;
}

TEST(SignHttp, PortQueryAndDotSegmentsMatchBotocore) {
    HttpRequest req{
        "POST",
        "http://LocalHost:8080/a/./b/../c%20d//e/?Version=2011-06-15&Action=GetCallerIdentity&Empty=",
        {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
         {"User-Agent", "sesame/0.1.0"}},
        "Action=GetCallerIdentity&Version=2011-06-15"};
    sign_http(req, temporary_creds(), "eu-west-1", "sts", k_now);

    EXPECT_EQ(header(req.headers, "Host"), "localhost:8080");
    EXPECT_EQ(header(req.headers, "User-Agent"), "sesame/0.1.0");
    EXPECT_EQ(req.body, "Action=GetCallerIdentity&Version=2011-06-15");
    EXPECT_EQ(header(req.headers, "Authorization"),
              "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20240102/eu-west-1/sts/aws4_request, "
              "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
              "Signature=6be717032fa0b63f7abac5a0c6f81c62c17a8f088ea0c359233b36f683d810d9");
}

TEST(SignHttp, DefaultPortIsLeftOutOfHost) {
    HttpRequest req{"GET", "https://sts.amazonaws.com:443/", {}, ""};
    sign_http(req, long_term_creds(), "us-east-1", "sts", k_now);
    EXPECT_EQ(header(req.headers, "Host"), "sts.amazonaws.com");
    EXPECT_EQ(header_count(req.headers, "X-Amz-Security-Token"), 0u);
    EXPECT_EQ(header(req.headers, "Authorization"),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/sts/aws4_request, "
              "SignedHeaders=host;x-amz-date, "
              "Signature=652a35c34f661c7fbfdfc9ec2d975489d3f086ac14d3a27feed08b6d06299ab0");
}

TEST(SignHttp, HostHeaderAsBotocoreDerivesIt) {
    const std::pair<std::string, std::string> cases[] = {
        {"http://127.0.0.1:80/", "127.0.0.1"},
        {"http://127.0.0.1:443/", "127.0.0.1:443"},
        {"https://user:pw@Example.COM:8443/x", "example.com:8443"},
        {"http://[::1]:8080/", "[::1]:8080"},
        {"https://[::1]/", "[::1]"},
        {"https://host?x=1", "host"},
        {"http://localhost:08080", "localhost:8080"},
    };
    for (const auto& [url, expected] : cases) {
        HttpRequest req{"GET", url, {}, ""};
        sign_http(req, long_term_creds(), "us-east-1", "sts", k_now);
        EXPECT_EQ(header(req.headers, "Host"), expected) << url;
    }
}

TEST(SignHttp, ExistingHostHeaderIsKept) {
    HttpRequest req{"GET", "http://127.0.0.1:9000/", {{"host", "sts.amazonaws.com"}}, ""};
    sign_http(req, long_term_creds(), "us-east-1", "sts", k_now);
    EXPECT_EQ(header_count(req.headers, "Host"), 1u);
    EXPECT_EQ(header(req.headers, "Host"), "sts.amazonaws.com");
}

TEST(SignHttp, ExistingDateHeaderIsRewrittenInsteadOfAddingXAmzDate) {
    HttpRequest req{"GET",
                    "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
                    {{"Date", "Mon, 01 Jan 2001 00:00:00 GMT"}, {"X-Amz-Date", "20010101T000000Z"}},
                    ""};
    sign_http(req, long_term_creds(), "us-east-1", "iam", k_now);
    EXPECT_EQ(header(req.headers, "Date"), "Tue, 02 Jan 2024 03:04:05 -0000");
    EXPECT_EQ(header_count(req.headers, "X-Amz-Date"), 0u);
    EXPECT_EQ(header(req.headers, "Authorization"),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/iam/aws4_request, "
              "SignedHeaders=date;host, "
              "Signature=be2e233128a5d98d1dc9af36f8e342178109a4ed36c56f9d06a2830f968250dc");
}

TEST(CanonicalRequest, MatchesBotocoreWithUnsignedHeadersAndDoubleEncodedPath) {
    Request r{"post",
              "/a/./b/../c%20d//e/",
              "Version=2011-06-15&Action=GetCallerIdentity&Empty=",
              {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"User-Agent", "sesame/0.1.0"},
               {"Host", "localhost:8080"},
               {"X-Amz-Date", "20240102T030405Z"},
               {"X-Amz-Security-Token", k_token}},
              "Action=GetCallerIdentity&Version=2011-06-15"};
    EXPECT_EQ(canonical_request(r),
              "POST\n/a/c%2520d/e/\nAction=GetCallerIdentity&Empty=&Version=2011-06-15\n"
              "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:localhost:8080\n"
              "x-amz-date:20240102T030405Z\nx-amz-security-token:" +
                  k_token +
                  "\n\ncontent-type;host;x-amz-date;x-amz-security-token\n"
                  "ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843");
}

/// The second line (path) and third line (query) of the canonical request.
std::pair<std::string, std::string> path_and_query(std::string path, std::string query) {
    auto lines = split(canonical_request(Request{"GET", std::move(path), std::move(query), {}, ""}), '\n');
    return {lines.at(1), lines.at(2)};
}

TEST(CanonicalRequest, PathNormalisationAsBotocore) {
    const std::pair<std::string, std::string> cases[] = {
        {"", "/"},
        {"/", "/"},
        {"/./", "/"},
        {"/a/../../b", "/b"},
        {"/a//b/", "/a/b/"},
        {"/a/b/..", "/a"},
        {"/a/b/../", "/a/"},
        {"/\xE1\x88\xB4", "/%E1%88%B4"},
        {"/a%2Fb", "/a%252Fb"},
    };
    for (const auto& [path, expected] : cases) EXPECT_EQ(path_and_query(path, "").first, expected) << path;
}

TEST(CanonicalRequest, QueryCanonicalisation) {
    const std::pair<std::string, std::string> cases[] = {
        {"b=2&a=1", "a=1&b=2"}, {"a=%2f", "a=%2F"},      {"a=b+c", "a=b%20c"},
        {"x=%zz", "x=%25zz"},   {"a=2&a=1", "a=1&a=2"},  {"a=~-._*", "a=~-._%2A"},
        {"flag", "flag="},      {"a=1&&b=2", "a=1&b=2"}, {"%E1%88%B4=bar&A=1", "%E1%88%B4=bar&A=1"},
    };
    for (const auto& [query, expected] : cases)
        EXPECT_EQ(path_and_query("/", query).second, expected) << query;
}

TEST(CanonicalRequest, ExplicitContentSha256ReplacesBodyHash) {
    Request r{"PUT", "/", "", {{"Host", "h"}, {"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"}}, "body"};
    EXPECT_TRUE(canonical_request(r).ends_with("\nUNSIGNED-PAYLOAD"));
}

}  // namespace
}  // namespace sesame::sigv4
