// A minimal test harness: TEST registers a function, CHECK records a failure
// without stopping the test. main() runs every test and ends with the line
// "N passed, N failed" (one count per test).
#pragma once
#include <cstdio>
#include <string>

namespace check {

struct Registration {
  Registration(const char* name, void (*fn)());
};
void fail(const char* file, int line, const std::string& what);
int run(const char* filter);

}  // namespace check

#define TEST(name)                                                \
  static void test_##name();                                      \
  static check::Registration registration_##name(#name, test_##name); \
  static void test_##name()

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) check::fail(__FILE__, __LINE__, "CHECK(" #cond ")");      \
  } while (0)

#define CHECK_EQ(a, b)                                                                    \
  do {                                                                                    \
    const auto& va_ = (a);                                                                \
    const auto& vb_ = (b);                                                                \
    if (!(va_ == vb_)) {                                                                  \
      check::fail(__FILE__, __LINE__,                                                     \
                  std::string("CHECK_EQ(" #a ", " #b "): ") + std::to_string(va_) + " != " + \
                      std::to_string(vb_));                                               \
    }                                                                                     \
  } while (0)
