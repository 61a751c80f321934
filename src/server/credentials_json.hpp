#pragma once

#include <string>

#include "aws/credentials.hpp"
#include "server/http_server.hpp"

namespace sesame {

/// A 200 response with a JSON body.
ServerResponse json_response(std::string body);

/// "%Y-%m-%dT%H:%M:%SZ", the form botocore parses from both endpoints.
std::string endpoint_expiration(const Credentials& creds);

}  // namespace sesame
