/*
 * hmac_ossl.c
 *
 * Implementation of hmac srtp_auth_type_t that leverages OpenSSL
 *
 * John A. Foley
 * Cisco Systems, Inc.
 */
/*
 *
 * Copyright(c) 2013-2017, Cisco Systems, Inc.
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 *
 *   Redistributions of source code must retain the above copyright
 *   notice, this list of conditions and the following disclaimer.
 *
 *   Redistributions in binary form must reproduce the above
 *   copyright notice, this list of conditions and the following
 *   disclaimer in the documentation and/or other materials provided
 *   with the distribution.
 *
 *   Neither the name of the Cisco Systems, Inc. nor the names of its
 *   contributors may be used to endorse or promote products derived
 *   from this software without specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
 * "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
 * LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS
 * FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
 * COPYRIGHT HOLDERS OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT,
 * INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
 * (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT,
 * STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
 * ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED
 * OF THE POSSIBILITY OF SUCH DAMAGE.
 *
 */


/*
 * ringcast: this file replaces libsrtp 2.5.0's crypto/hash/hmac_ossl.c when ringcast builds
 * libsrtp (cmake/Libsrtp2.cmake). The original uses OpenSSL 3's EVP_MAC API, whose HMAC
 * re-initialisation copies the keyed digest contexts through the provider's dupctx: two heap
 * allocations for every SRTP packet authenticated with AES_CM_128_HMAC_SHA1_80, on the packet
 * path that ringcast requires to allocate nothing. This version keys HMAC-SHA1 (RFC 2104) once:
 * it keeps the SHA-1 states after the inner and outer pads and starts each packet from a plain
 * struct copy of them, using OpenSSL's low-level SHA-1 (the same assembly, SHA-NI where the CPU
 * has it). Same interface, same results (libsrtp's HMAC self-test runs at srtp_init).
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

/* The low-level SHA-1 calls are deprecated in OpenSSL 3 in favour of EVP, which allocates. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "auth.h"
#include "alloc.h"
#include "err.h" /* for srtp_debug */
#include "auth_test_cases.h"
#include <openssl/sha.h>
#include <string.h>

#define SHA1_DIGEST_SIZE 20
#define SHA1_BLOCK_SIZE 64

srtp_debug_module_t srtp_mod_hmac = {
    0,                            /* debugging is off by default */
    "hmac sha-1 openssl (no alloc)" /* printable name for module */
};

typedef struct {
    SHA_CTX inner_keyed; /* SHA-1 state after absorbing key XOR ipad */
    SHA_CTX outer_keyed; /* SHA-1 state after absorbing key XOR opad */
    SHA_CTX running;     /* the message being authenticated */
} srtp_hmac_ossl_ctx_t;

static srtp_err_status_t srtp_hmac_alloc(srtp_auth_t **a,
                                         int key_len,
                                         int out_len)
{
    extern const srtp_auth_type_t srtp_hmac;
    srtp_hmac_ossl_ctx_t *hmac;

    debug_print(srtp_mod_hmac, "allocating auth func with key length %d",
                key_len);
    if (out_len > SHA1_DIGEST_SIZE) {
        return srtp_err_status_bad_param;
    }
    *a = (srtp_auth_t *)srtp_crypto_alloc(sizeof(srtp_auth_t));
    if (*a == NULL) {
        return srtp_err_status_alloc_fail;
    }
    hmac =
        (srtp_hmac_ossl_ctx_t *)srtp_crypto_alloc(sizeof(srtp_hmac_ossl_ctx_t));
    if (hmac == NULL) {
        srtp_crypto_free(*a);
        *a = NULL;
        return srtp_err_status_alloc_fail;
    }
    (*a)->type = &srtp_hmac;
    (*a)->state = hmac;
    (*a)->out_len = out_len;
    (*a)->key_len = key_len;
    (*a)->prefix_len = 0;
    return srtp_err_status_ok;
}

static srtp_err_status_t srtp_hmac_dealloc(srtp_auth_t *a)
{
    srtp_hmac_ossl_ctx_t *hmac = (srtp_hmac_ossl_ctx_t *)a->state;
    if (hmac) {
        octet_string_set_to_zero(hmac, sizeof(srtp_hmac_ossl_ctx_t));
        srtp_crypto_free(hmac);
    }
    octet_string_set_to_zero(a, sizeof(srtp_auth_t));
    srtp_crypto_free(a);
    return srtp_err_status_ok;
}

static srtp_err_status_t srtp_hmac_start(void *statev)
{
    srtp_hmac_ossl_ctx_t *hmac = (srtp_hmac_ossl_ctx_t *)statev;
    hmac->running = hmac->inner_keyed;
    return srtp_err_status_ok;
}

static srtp_err_status_t srtp_hmac_init(void *statev,
                                        const uint8_t *key,
                                        int key_len)
{
    srtp_hmac_ossl_ctx_t *hmac = (srtp_hmac_ossl_ctx_t *)statev;
    uint8_t block[SHA1_BLOCK_SIZE];
    uint8_t pad[SHA1_BLOCK_SIZE];
    int i;

    if (key_len < 0) {
        return srtp_err_status_bad_param;
    }
    /* RFC 2104 section 2: a key longer than the block is hashed first. */
    memset(block, 0, sizeof block);
    if (key_len > SHA1_BLOCK_SIZE) {
        SHA1(key, (size_t)key_len, block);
    } else {
        memcpy(block, key, (size_t)key_len);
    }
    for (i = 0; i < SHA1_BLOCK_SIZE; i++) {
        pad[i] = block[i] ^ 0x36;
    }
    if (!SHA1_Init(&hmac->inner_keyed) ||
        !SHA1_Update(&hmac->inner_keyed, pad, sizeof pad)) {
        return srtp_err_status_auth_fail;
    }
    for (i = 0; i < SHA1_BLOCK_SIZE; i++) {
        pad[i] = block[i] ^ 0x5c;
    }
    if (!SHA1_Init(&hmac->outer_keyed) ||
        !SHA1_Update(&hmac->outer_keyed, pad, sizeof pad)) {
        return srtp_err_status_auth_fail;
    }
    octet_string_set_to_zero(block, sizeof block);
    octet_string_set_to_zero(pad, sizeof pad);
    hmac->running = hmac->inner_keyed;
    return srtp_err_status_ok;
}

static srtp_err_status_t srtp_hmac_update(void *statev,
                                          const uint8_t *message,
                                          int msg_octets)
{
    srtp_hmac_ossl_ctx_t *hmac = (srtp_hmac_ossl_ctx_t *)statev;
    if (msg_octets < 0 ||
        !SHA1_Update(&hmac->running, message, (size_t)msg_octets)) {
        return srtp_err_status_auth_fail;
    }
    return srtp_err_status_ok;
}

static srtp_err_status_t srtp_hmac_compute(void *statev,
                                           const uint8_t *message,
                                           int msg_octets,
                                           int tag_len,
                                           uint8_t *result)
{
    srtp_hmac_ossl_ctx_t *hmac = (srtp_hmac_ossl_ctx_t *)statev;
    uint8_t inner[SHA1_DIGEST_SIZE];
    uint8_t hash_value[SHA1_DIGEST_SIZE];
    SHA_CTX outer;

    if (tag_len < 0 || tag_len > SHA1_DIGEST_SIZE || msg_octets < 0) {
        return srtp_err_status_bad_param;
    }
    if (!SHA1_Update(&hmac->running, message, (size_t)msg_octets) ||
        !SHA1_Final(inner, &hmac->running)) {
        return srtp_err_status_auth_fail;
    }
    outer = hmac->outer_keyed;
    if (!SHA1_Update(&outer, inner, sizeof inner) ||
        !SHA1_Final(hash_value, &outer)) {
        return srtp_err_status_auth_fail;
    }
    memcpy(result, hash_value, (size_t)tag_len);
    return srtp_err_status_ok;
}

static const char srtp_hmac_description[] =
    "hmac sha-1 authentication function";

const srtp_auth_type_t srtp_hmac = {
    srtp_hmac_alloc,        /* */
    srtp_hmac_dealloc,      /* */
    srtp_hmac_init,         /* */
    srtp_hmac_compute,      /* */
    srtp_hmac_update,       /* */
    srtp_hmac_start,        /* */
    srtp_hmac_description,  /* */
    &srtp_hmac_test_case_0, /* */
    SRTP_HMAC_SHA1          /* */
};
