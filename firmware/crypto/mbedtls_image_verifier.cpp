#include "mbedtls_image_verifier.h"

#include <mbedtls/ecp.h>
#include <mbedtls/version.h>
#include <string.h>

namespace yaguts {

namespace {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
int shaStarts(mbedtls_sha256_context* c) { return mbedtls_sha256_starts(c, 0); }
int shaUpdate(mbedtls_sha256_context* c, const uint8_t* d, size_t n) { return mbedtls_sha256_update(c, d, n); }
int shaFinish(mbedtls_sha256_context* c, uint8_t* out) { return mbedtls_sha256_finish(c, out); }
#else
int shaStarts(mbedtls_sha256_context* c) { return mbedtls_sha256_starts_ret(c, 0); }
int shaUpdate(mbedtls_sha256_context* c, const uint8_t* d, size_t n) { return mbedtls_sha256_update_ret(c, d, n); }
int shaFinish(mbedtls_sha256_context* c, uint8_t* out) { return mbedtls_sha256_finish_ret(c, out); }
#endif

mbedtls_ecp_group_id curveOf(mbedtls_pk_context* pk) {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  return mbedtls_pk_ec(*pk)->MBEDTLS_PRIVATE(grp).id;
#else
  return mbedtls_pk_ec(*pk)->grp.id;
#endif
}
}  // namespace

MbedtlsImageVerifier::MbedtlsImageVerifier() {
  mbedtls_sha256_init(&sha_);
  mbedtls_pk_init(&pk_);
}

MbedtlsImageVerifier::~MbedtlsImageVerifier() {
  mbedtls_sha256_free(&sha_);
  mbedtls_pk_free(&pk_);
}

bool MbedtlsImageVerifier::setPublicKey(const char* pem) {
  mbedtls_pk_free(&pk_);
  mbedtls_pk_init(&pk_);
  haveKey_ = false;
  if (pem == nullptr) return false;
  // PEM input must include its terminating NUL in the length.
  if (mbedtls_pk_parse_public_key(&pk_, reinterpret_cast<const unsigned char*>(pem), strlen(pem) + 1) != 0) {
    return false;
  }
  if (!mbedtls_pk_can_do(&pk_, MBEDTLS_PK_ECDSA) ||
      curveOf(&pk_) != MBEDTLS_ECP_DP_SECP256R1) {
    mbedtls_pk_free(&pk_);
    mbedtls_pk_init(&pk_);
    return false;
  }
  haveKey_ = true;
  return true;
}

void MbedtlsImageVerifier::hashStart() {
  mbedtls_sha256_free(&sha_);
  mbedtls_sha256_init(&sha_);
  shaStarts(&sha_);
}

void MbedtlsImageVerifier::hashUpdate(const uint8_t* data, size_t length) { shaUpdate(&sha_, data, length); }

void MbedtlsImageVerifier::hashFinish(uint8_t digest[32]) { shaFinish(&sha_, digest); }

bool MbedtlsImageVerifier::signatureValid(const uint8_t digest[32], const uint8_t* der, size_t length) {
  if (!haveKey_) return false;
  return mbedtls_pk_verify(&pk_, MBEDTLS_MD_SHA256, digest, 32, der, length) == 0;
}

}  // namespace yaguts
