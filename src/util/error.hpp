#pragma once

#include <expected>
#include <string>
#include <utility>

namespace sesame {

/// An expected failure: what went wrong (with where), and what the user can do next.
/// Errors are values; only main turns one into stderr and an exit code.
struct Error {
    std::string message;  ///< "~/.aws/config:12: unknown key ..."; never contains a secret
    std::string hint;     ///< optional next step for the user
    int exit_code = 1;

    /// Prepends context: err.context("profile \"prod\"") -> "profile \"prod\": <message>".
    Error context(std::string_view what) && {
        message = std::string(what) + ": " + message;
        return std::move(*this);
    }
};

template <class T>
using Result = std::expected<T, Error>;

/// Shorthand for returning a failure: `return fail("no such profile", "run sesame list");`
inline std::unexpected<Error> fail(std::string message, std::string hint = {}, int exit_code = 1) {
    return std::unexpected(Error{std::move(message), std::move(hint), exit_code});
}

}  // namespace sesame

/// Evaluates a Result-returning expression; returns its error from the enclosing function.
#define SESAME_TRY(expr)                                                                        \
    do {                                                                                        \
        auto&& sesame_try_result_ = (expr);                                                     \
        if (!sesame_try_result_) return std::unexpected(std::move(sesame_try_result_.error())); \
    } while (0)
