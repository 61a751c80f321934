#pragma once

#include <string>

#include "aws/credentials.hpp"
#include "server/http_server.hpp"

namespace sesame {

/// A JSON error body as the ECS agent and IMDS shape them: {"Code": ..., "Message": ...}.
ServerResponse json_error(int status, std::string_view code, std::string_view message);

/// A 200 response with a JSON body.
ServerResponse json_response(std::string body);

/// "%Y-%m-%dT%H:%M:%SZ", the form botocore parses from both endpoints.
std::string endpoint_expiration(const Credentials& creds);

}  // namespace sesame
