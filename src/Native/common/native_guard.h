// Exception firewall shared by every native library of the repo.
//
// Rule: no C++ exception, assertion or abort may cross into .NET. Every exported entry point
// runs its body inside one of the guards below. A failure is recorded in a thread-local
// message (each library has its own copy, because this header is compiled into each one with
// hidden visibility) and signalled by the return value: -1 for status functions, nullptr for
// handle-returning functions. The managed side then reads the message with <lib>_last_error().
// No library of the repo includes a libtorch header or links libtorch, so this header has no c10 part.
#pragma once

#include <exception>
#include <new>
#include <string>

#define NATIVE_API extern "C" __attribute__((visibility("default")))

namespace native_guard {

inline std::string& last_error_storage() {
  static thread_local std::string message;
  return message;
}

inline void set_last_error(const char* message) noexcept {
  try {
    last_error_storage() = message ? message : "unknown native error";
  } catch (...) {
    // Out of memory while recording the error: nothing better can be done.
  }
}

// Runs body; returns 0 on success, -1 (with the message recorded) on any exception.
template <class Body>
int run(Body&& body) noexcept {
  try {
    body();
    return 0;
  } catch (const std::bad_alloc&) {
    set_last_error("out of memory");
  } catch (const std::exception& e) {
    set_last_error(e.what());
  } catch (...) {
    set_last_error("unknown C++ exception");
  }
  return -1;
}

// Runs body returning T by value; returns a heap copy owned by the caller, or nullptr on error.
template <class T, class Body>
T* run_new(Body&& body) noexcept {
  T* result = nullptr;
  run([&] { result = new T(body()); });
  return result;
}

}  // namespace native_guard
