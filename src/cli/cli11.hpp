#pragma once

// CLI11 without <iostream>'s start-up cost.
//
// With GCC 12, every file that includes <iostream> gets a static std::ios_base::Init object,
// which builds the standard streams and the global locale when the program starts: about 50,000
// instructions and a dozen page faults, a tenth of a cached `sesame exec`, which never touches
// a stream (its quick path skips CLI11 entirely, see run_app). CLI11 includes <iostream> for its
// help and error printing, so this header declares the standard streams as <iostream> does but
// without that object, and run_app constructs a std::ios_base::Init itself before it builds a
// CLI::App. Include this instead of <CLI/CLI.hpp>.
#include <istream>
#include <ostream>

#ifndef _GLIBCXX_IOSTREAM
#define _GLIBCXX_IOSTREAM 1
namespace std {
extern istream cin;
extern ostream cout;
extern ostream cerr;
extern ostream clog;
extern wistream wcin;
extern wostream wcout;
extern wostream wcerr;
extern wostream wclog;
}  // namespace std
#endif

#include <CLI/CLI.hpp>
