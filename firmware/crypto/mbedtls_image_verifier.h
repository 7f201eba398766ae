// The ImageVerifier of the device and of the host program: SHA-256 and
// ECDSA P-256 from mbedTLS (ESP-IDF ships mbedTLS 3.x; Debian's
// libmbedtls-dev is 2.28: both APIs are handled). Not part of core/: it needs
// mbedTLS headers and the heap mbedTLS uses to parse a key.
#pragma once
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "../core/ota.h"

namespace yaguts {

class MbedtlsImageVerifier final : public ImageVerifier {
 public:
  MbedtlsImageVerifier();
  ~MbedtlsImageVerifier();
  MbedtlsImageVerifier(const MbedtlsImageVerifier&) = delete;
  MbedtlsImageVerifier& operator=(const MbedtlsImageVerifier&) = delete;

  /// Loads the PEM public key from provisioning. False if it is not an EC P-256 key.
  bool setPublicKey(const char* pem);
  bool hasKey() const { return haveKey_; }

  void hashStart() override;
  void hashUpdate(const uint8_t* data, size_t length) override;
  void hashFinish(uint8_t digest[32]) override;
  /// False without a key: an unsigned device accepts no update at all.
  bool signatureValid(const uint8_t digest[32], const uint8_t* der, size_t length) override;

 private:
  mbedtls_sha256_context sha_;
  mbedtls_pk_context pk_;
  bool haveKey_ = false;
};

}  // namespace yaguts
