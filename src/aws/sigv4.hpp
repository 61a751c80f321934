#pragma once

#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "aws/http.hpp"
#include "crypto/secret.hpp"
#include "util/clock.hpp"

/// AWS Signature Version 4, byte-for-byte as botocore's SigV4Auth (non-S3) computes it, so a
/// request we sign is accepted wherever the AWS CLI's would be. Pure functions: the time comes in
/// as a parameter and nothing is logged (the inputs include secrets and signed headers).
namespace sesame::sigv4 {

/// The parts of an HTTP request that SigV4 covers.
struct Request {
    std::string method;
    std::string path;   ///< as sent on the wire (already percent-encoded), e.g. "/a/b%20c"
    std::string query;  ///< as sent on the wire, without the '?', e.g. "Action=ListUsers&Version=2010-05-08"
    Headers headers;
    std::string body;
};

/// The canonical request, as botocore builds it:
/// - method upper-cased;
/// - path with dot segments and empty segments removed (a trailing '/' kept), then percent-encoded
///   once more except unreserved characters and '/'. Like botocore for non-S3 services this encodes
///   an already-encoded path a second time ("/a%20b" -> "/a%2520b"), which is what AWS expects;
/// - query split on '&' (empty pieces dropped), each key and value percent-decoded ('+' as space)
///   and re-encoded, pairs sorted by key then value, "key=" kept for an empty value;
/// - SignedHeaders = every header present, names lowercased and sorted, except the hop-by-hop and
///   proxy-rewritten ones botocore never signs (connection, expect, keep-alive, proxy-authenticate,
///   proxy-authorization, te, trailer, transfer-encoding, upgrade, user-agent, x-amzn-trace-id);
/// - header values with surrounding whitespace trimmed and inner whitespace runs (folded
///   continuation lines included) collapsed to one space; repeated names joined with ',' in order;
/// - payload hash = the X-Amz-Content-SHA256 header when present, else the SHA-256 hex of the body.
std::string canonical_request(const Request& r);

/// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<sha256 hex of canonical_request>".
/// `scope` is "<day>/<region>/<service>/aws4_request".
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

/// The hex signature: HMAC chain "AWS4"+secret -> day -> region -> service -> "aws4_request",
/// then HMAC of the string to sign.
std::string signature(const Secret& secret, std::string_view day, std::string_view region,
                      std::string_view service, std::string_view string_to_sign);

/// Adds X-Amz-Date, X-Amz-Security-Token (when creds have a token) and Authorization to r.headers,
/// replacing any earlier copies, so signing again (a retry) is safe. As in botocore, a request that
/// already carries a Date header gets that Date rewritten to `now` and no X-Amz-Date.
void sign(Request& r, const Credentials& creds, std::string_view region, std::string_view service,
          TimePoint now);

/// Convenience for the HTTP layer: splits req.url (scheme://[user@]host[:port]/path?query#fragment),
/// adds a Host header unless one is present (lowercased host, ":port" only when not the scheme's
/// default), signs, and leaves the full signed header list in req.headers, so the Host that was
/// signed is the Host that is sent.
void sign_http(HttpRequest& req, const Credentials& creds, std::string_view region, std::string_view service,
               TimePoint now);

}  // namespace sesame::sigv4
