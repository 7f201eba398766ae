#include "posix_http.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <chrono>
#include <cstring>

namespace yaguts::host {

namespace {

using Clock = std::chrono::steady_clock;

int remainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

/// Returns a connected socket or -1 (errno-free: the caller only needs to know it failed).
int connectTo(const std::string& host, const std::string& port, Clock::time_point deadline, bool* timedOut) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      close(fd);
      fd = -1;
      continue;
    }
    pollfd p{fd, POLLOUT, 0};
    const int ready = poll(&p, 1, remainingMs(deadline));
    int error = 0;
    socklen_t len = sizeof error;
    if (ready <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0) {
      if (ready == 0) *timedOut = true;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

bool sendAll(int fd, const std::string& data, Clock::time_point deadline, bool* timedOut) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    pollfd p{fd, POLLOUT, 0};
    const int ready = poll(&p, 1, remainingMs(deadline));
    if (ready == 0) {
      *timedOut = true;
      return false;
    }
    if (ready < 0 && errno != EINTR) return false;
  }
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Decodes a chunked body; false if incomplete or malformed.
bool dechunk(const std::string& in, size_t start, std::string* out) {
  size_t pos = start;
  for (;;) {
    const size_t eol = in.find("\r\n", pos);
    if (eol == std::string::npos) return false;
    size_t size = 0;
    const std::string line = in.substr(pos, eol - pos);
    size_t i = 0;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      const int digit = c >= '0' && c <= '9' ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) break;  // chunk extensions (";...") are ignored
      if (size > (SIZE_MAX >> 4)) return false;
      size = size * 16 + static_cast<size_t>(digit);
    }
    if (i == 0) return false;
    pos = eol + 2;
    if (size == 0) return true;
    if (in.size() < pos + size + 2) return false;
    out->append(in, pos, size);
    pos += size + 2;
  }
}

}  // namespace

HttpResult parseHttpResponse(const std::string& raw, bool complete, char* body, size_t capacity) {
  const size_t headerEnd = raw.find("\r\n\r\n");
  if (headerEnd == std::string::npos || raw.compare(0, 7, "HTTP/1.") != 0 || raw.size() < 12) {
    return {complete ? kHttpTransportError : kHttpTimeout, 0};
  }
  const int status = std::atoi(raw.c_str() + 9);
  if (status < 100 || status > 599) return {kHttpTransportError, 0};
  long contentLength = -1;
  bool chunked = false;
  size_t pos = raw.find("\r\n") + 2;
  while (pos < headerEnd) {
    const size_t eol = raw.find("\r\n", pos);
    const std::string line = raw.substr(pos, eol - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      const std::string name = lower(line.substr(0, colon));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "content-length") contentLength = std::atol(value.c_str());
      if (name == "transfer-encoding" && lower(value).find("chunked") != std::string::npos) chunked = true;
    }
    pos = eol + 2;
  }
  const size_t start = headerEnd + 4;
  std::string payload;
  if (chunked) {
    if (!dechunk(raw, start, &payload)) return {complete ? kHttpTransportError : kHttpTimeout, 0};
  } else if (contentLength >= 0) {
    if (raw.size() < start + static_cast<size_t>(contentLength)) {
      return {complete ? kHttpTransportError : kHttpTimeout, 0};
    }
    payload = raw.substr(start, static_cast<size_t>(contentLength));
  } else if (status == 204 || status == 304 || status < 200) {
    payload.clear();
  } else {
    if (!complete) return {kHttpTimeout, 0};
    payload = raw.substr(start);
  }
  if (body == nullptr) return {status, 0};
  if (payload.size() > capacity) return {kHttpResponseTooLarge, 0};
  if (!payload.empty()) std::memcpy(body, payload.data(), payload.size());
  return {status, payload.size()};
}

bool PosixHttpClient::configure(const std::string& baseUrl, const std::string& token) {
  const std::string scheme = "http://";
  if (baseUrl.compare(0, scheme.size(), scheme) != 0 || token.empty()) return false;
  std::string rest = baseUrl.substr(scheme.size());
  const size_t slash = rest.find('/');
  prefix_ = slash == std::string::npos ? "" : rest.substr(slash);
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  rest = rest.substr(0, slash);
  const size_t colon = rest.rfind(':');
  host_ = colon == std::string::npos ? rest : rest.substr(0, colon);
  port_ = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  if (host_.size() > 2 && host_.front() == '[' && host_.back() == ']') host_ = host_.substr(1, host_.size() - 2);
  token_ = token;
  return !host_.empty() && !port_.empty();
}

HttpResult PosixHttpClient::request(HttpMethod method, const char* path, const char* body,
                                    size_t bodyLength, char* response, size_t capacity,
                                    uint32_t timeoutMs) {
  if (offline) return {kHttpTransportError, 0};
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
  bool timedOut = false;
  const int fd = connectTo(host_, port_, deadline, &timedOut);
  if (fd < 0) return {timedOut ? kHttpTimeout : kHttpTransportError, 0};
  std::string req = method == HttpMethod::Get ? "GET " : "POST ";
  req += prefix_ + path + " HTTP/1.1\r\nHost: " + host_ + ":" + port_ +
         "\r\nAuthorization: Bearer " + token_ + "\r\nAccept: application/json\r\nConnection: close\r\n";
  if (method == HttpMethod::Post) {
    req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(bodyLength) + "\r\n";
  }
  req += "\r\n";
  if (body != nullptr) req.append(body, bodyLength);
  if (!sendAll(fd, req, deadline, &timedOut)) {
    close(fd);
    return {timedOut ? kHttpTimeout : kHttpTransportError, 0};
  }
  std::string raw;
  char chunk[4096];
  bool closed = false;
  for (;;) {
    // Stop as soon as a whole response is in, even if the server keeps the
    // connection open despite "Connection: close".
    const HttpResult partial = parseHttpResponse(raw, false, response, capacity);
    if (partial.status != kHttpTimeout) {
      close(fd);
      return partial;
    }
    if (raw.size() > capacity + 65536) {
      close(fd);
      return {kHttpResponseTooLarge, 0};
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, remainingMs(deadline));
    if (ready == 0) break;
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      raw.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    closed = true;
    break;
  }
  close(fd);
  if (!closed) return {kHttpTimeout, 0};
  return parseHttpResponse(raw, true, response, capacity);
}

namespace {

/// Value of header `name` (lower case) in a raw header block, or "".
std::string headerValue(const std::string& head, const std::string& name) {
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos < head.size()) {
    pos += 2;
    const size_t eol = head.find("\r\n", pos);
    const std::string line = head.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos && lower(line.substr(0, colon)) == name) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      return value;
    }
    pos = eol;
  }
  return "";
}

}  // namespace

HttpResult PosixHttpClient::download(const char* path, uint32_t from, DownloadSink& sink, uint32_t timeoutMs) {
  if (offline) return {kHttpTransportError, 0};
  auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
  bool timedOut = false;
  const int fd = connectTo(host_, port_, deadline, &timedOut);
  if (fd < 0) return {timedOut ? kHttpTimeout : kHttpTransportError, 0};
  const std::string req = "GET " + prefix_ + path + " HTTP/1.1\r\nHost: " + host_ + ":" + port_ +
                          "\r\nAuthorization: Bearer " + token_ + "\r\nRange: bytes=" + std::to_string(from) +
                          "-\r\nConnection: close\r\n\r\n";
  if (!sendAll(fd, req, deadline, &timedOut)) {
    close(fd);
    return {timedOut ? kHttpTimeout : kHttpTransportError, 0};
  }
  std::string head;
  char chunk[4096];
  int status = 0;
  long long remaining = -1;  // body bytes still expected (-1: until close)
  size_t accepted = 0;
  bool streaming = false;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, remainingMs(deadline));
    if (ready == 0) {
      close(fd);
      return {kHttpTimeout, accepted};
    }
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) break;
    deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);  // an idle timeout
    const char* data = chunk;
    size_t length = static_cast<size_t>(n);
    if (!streaming) {
      head.append(chunk, length);
      const size_t end = head.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (head.size() > 16384) break;
        continue;
      }
      status = head.compare(0, 7, "HTTP/1.") == 0 && head.size() > 12 ? std::atoi(head.c_str() + 9) : 0;
      const std::string declared = headerValue(head.substr(0, end), "content-length");
      if (!declared.empty()) remaining = std::atoll(declared.c_str());
      const bool usable = (status == 206 && headerValue(head.substr(0, end), "content-range")
                                                 .rfind("bytes " + std::to_string(from) + "-", 0) == 0) ||
                          (status == 200 && from == 0);
      if (status == 206 && !usable) {
        close(fd);
        return {kHttpBadRange, 0};
      }
      if (!usable || lower(headerValue(head.substr(0, end), "transfer-encoding")).find("chunked") != std::string::npos) {
        close(fd);
        return {status > 0 ? status : kHttpTransportError, 0};
      }
      streaming = true;
      data = head.data() + end + 4;
      length = head.size() - end - 4;
    }
    if (remaining >= 0 && static_cast<long long>(length) > remaining) length = static_cast<size_t>(remaining);
    if (length > 0 && !sink.accept(reinterpret_cast<const uint8_t*>(data), length)) {
      close(fd);
      return {status, accepted};
    }
    accepted += length;
    if (remaining >= 0) {
      remaining -= static_cast<long long>(length);
      if (remaining == 0) {
        close(fd);
        return {status, accepted};
      }
    }
  }
  close(fd);
  // Closed before the announced length: a broken transfer, resumed by the caller.
  if (!streaming) return {kHttpTransportError, 0};
  return {remaining > 0 ? kHttpTransportError : status, accepted};
}

}  // namespace yaguts::host
