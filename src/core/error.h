// Errors as values at module boundaries: a closed set of codes plus a message
// a user can act on (file, line, key where there is one).
#pragma once

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace vigil {

enum class ErrorCode {
  kInvalidInput,  // bad data from outside: a malformed event, a broken feed line
  kConfig,        // the configuration is wrong
  kIo,            // a file or socket operation failed
  kStorage,       // the store refused or failed a write
  kStorageFull,   // no space left for the store
  kUnavailable,   // a queue is full or a dependency is down: retry later
  kNotFound,
};

struct Error {
  ErrorCode code = ErrorCode::kInvalidInput;
  std::string message;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> make_error(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace vigil
