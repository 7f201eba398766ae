#include "check.h"

#include <cstring>
#include <vector>

namespace check {

namespace {
struct Entry {
  const char* name;
  void (*fn)();
};
std::vector<Entry>& registry() {
  static std::vector<Entry> entries;
  return entries;
}
int failuresInCurrent = 0;
}  // namespace

Registration::Registration(const char* name, void (*fn)()) { registry().push_back({name, fn}); }

void fail(const char* file, int line, const std::string& what) {
  ++failuresInCurrent;
  if (failuresInCurrent <= 5) std::fprintf(stderr, "  %s:%d: %s\n", file, line, what.c_str());
}

int run(const char* filter) {
  int passed = 0, failed = 0;
  for (const Entry& e : registry()) {
    if (filter != nullptr && std::strstr(e.name, filter) == nullptr) continue;
    failuresInCurrent = 0;
    e.fn();
    if (failuresInCurrent == 0) {
      ++passed;
      std::printf("ok   %s\n", e.name);
    } else {
      ++failed;
      std::printf("FAIL %s (%d failed checks)\n", e.name, failuresInCurrent);
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace check

int main(int argc, char** argv) { return check::run(argc > 1 ? argv[1] : nullptr); }
