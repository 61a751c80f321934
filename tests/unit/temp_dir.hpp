#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace sesame::testing {

/// A fresh directory under /tmp, removed with everything in it when the object goes.
class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/sesame-test-XXXXXX";
        const char* made = ::mkdtemp(tmpl);
        if (!made) std::abort();
        m_path = made;
    }
    ~TempDir() { std::filesystem::remove_all(m_path); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string operator/(const std::string& name) const { return m_path + "/" + name; }

  private:
    std::string m_path;
};

}  // namespace sesame::testing
