// HTTP/1.1 over a POSIX TCP socket, one connection per request
// (Connection: close), for the host device program. Plain http:// only: the
// host device talks to a server on this machine.
#pragma once
#include <string>

#include "../core/platform.h"

namespace yaguts::host {

class PosixHttpClient final : public HttpClient {
 public:
  /// `baseUrl` is http://HOST:PORT with an optional path prefix. False if unusable.
  bool configure(const std::string& baseUrl, const std::string& token);
  HttpResult request(HttpMethod method, const char* path, const char* body, size_t bodyLength,
                     char* response, size_t capacity, uint32_t timeoutMs) override;
  /// `timeoutMs` bounds the connect and each wait for bytes (not the whole transfer).
  HttpResult download(const char* path, uint32_t from, DownloadSink& sink, uint32_t timeoutMs) override;
  /// Every request fails as if the network were gone (an image whose network code is broken).
  bool offline = false;

 private:
  std::string host_;
  std::string port_;
  std::string prefix_;
  std::string token_;
};

/// Splits a raw HTTP/1.1 response into status and body (Content-Length,
/// chunked, or until close). Returns the status, or an HttpFailure.
HttpResult parseHttpResponse(const std::string& raw, bool complete, char* body, size_t capacity);

}  // namespace yaguts::host
