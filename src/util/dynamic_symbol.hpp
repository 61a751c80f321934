#pragma once

#include <dlfcn.h>

namespace sesame {

/// Sets `out` to the symbol `name` of the dlopen'ed library `lib` (or of a library it depends
/// on), typed as `out` is; false when there is none. The one lookup of libraries sesame loads
/// only when needed (libcurl, libsecret, libcrypto).
template <class Fn>
bool resolve_symbol(void* lib, const char* name, Fn& out) {
    out = reinterpret_cast<Fn>(dlsym(lib, name));
    return out != nullptr;
}

}  // namespace sesame
