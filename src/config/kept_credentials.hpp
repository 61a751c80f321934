#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.hpp"
#include "util/error.hpp"

namespace sesame {

/// The credentials file `sesame keep` writes (issue 15, awscred's ~/.awscred/credentials): for
/// tools that only read a file, the kept profiles' sessions under sections of the user's choice,
/// and every other section of the user's own credentials file (the source) byte for byte.

/// One kept section: its name in the file and the session written under it.
struct KeptSection {
    std::string name;
    const Credentials* credentials = nullptr;
};

/// The first line of every kept file; the second is "# Source: PATH".
inline constexpr std::string_view k_kept_marker =
    "# This file is written by \"sesame keep\": edits are lost at its next renewal.";

/// Whether `name` can be a credentials-file section that botocore reads back as `name`: not
/// empty, no brackets, no control character, no surrounding whitespace, not "DEFAULT"
/// (configparser's defaults). The error names `what` ("--section").
Result<void> check_section_name(std::string_view name, std::string_view what);

/// The kept file's text: the marker naming `source_path`, the kept sections (aws_access_key_id,
/// aws_secret_access_key, aws_session_token and aws_credential_expiration, which botocore
/// ignores), then `source_text` with every section named like a kept one left out, the rest
/// (comments, spacing, CRLF line ends) unchanged. `source_text` must parse as botocore parses it
/// (the error names `source_path`) and must not itself be a kept file.
Result<std::string> render_kept_credentials(std::string_view source_text, std::string_view source_path,
                                            const std::vector<KeptSection>& kept);

/// The source a kept file names in its marker; nullopt when `text` is not a kept file.
std::optional<std::string> kept_file_source(std::string_view text);

}  // namespace sesame
