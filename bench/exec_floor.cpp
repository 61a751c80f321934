// The floor for sesame's warm path: a minimal C++ program that only replaces itself with the
// given command, as `sesame exec` does at its end. bench/warm_path.py times both.
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    ::execv(argv[1], argv + 1);
    return 127;
}
