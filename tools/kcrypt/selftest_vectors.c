/* SPDX-License-Identifier: Apache-2.0 */
/* Known answers from the standards that define each algorithm. */
#include "selftest.h"

#define ABC "616263"
#define JEFE "4a656665"
#define WANT "7768617420646f2079612077616e7420666f72206e6f7468696e673f"
/* RFC 4231 defines no SHA-3 cases; these answers come from OpenSSL's own
 * implementation for the same input, checked independently of the kernel. */
#define HMAC_SHA3_KATS \
    { KC_HMAC_SHA3_224, "RFC 4231 case 2 input, answer from OpenSSL 3", JEFE, "", "", WANT, \
      "7fdb8dd88bd2f60d1b798634ad386811c2cfc85bfaf5d52bbace5e66", "" }, \
    { KC_HMAC_SHA3_256, "RFC 4231 case 2 input, answer from OpenSSL 3", JEFE, "", "", WANT, \
      "c7d4072e788877ae3596bbb0da73b887c9171f93095b294ae857fbe2645e1ba5", "" }, \
    { KC_HMAC_SHA3_384, "RFC 4231 case 2 input, answer from OpenSSL 3", JEFE, "", "", WANT, \
      "f1101f8cbf9766fd6764d2ed61903f21ca9b18f57cf3e1a23ca13508a93243ce48c045dc007f26a21b3f5e0e9df4c20a", "" }, \
    { KC_HMAC_SHA3_512, "RFC 4231 case 2 input, answer from OpenSSL 3", JEFE, "", "", WANT, \
      "5a4bfeab6166427c7a3647b747292b8384537cdb89afb3bf5665e4c5e709350b287baec921fd7ca0ee7a0c31d022a95e1fc92ba9d77df883960275beb4e62024", "" }, \

#define SUNSCREEN_PT \
    "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f6620273939" \
    "3a204966204920636f756c64206f6666657220796f75206f6e6c79206f6e652074697020666f7220" \
    "746865206675747572652c2073756e73637265656e20776f756c642062652069742e" \
    ""
#define SUNSCREEN_CT \
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca96712" \
    "82fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58" \
    "fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116" \
    ""

const kat selftest_kats[] = {
    { KC_AES_ECB, "FIPS-197 C.1", "000102030405060708090a0b0c0d0e0f", "", "",
      "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a", "" },
    { KC_AES_CBC, "SP 800-38A F.2.1", "2b7e151628aed2a6abf7158809cf4f3c",
      "000102030405060708090a0b0c0d0e0f", "", "6bc1bee22e409f96e93d7e117393172a",
      "7649abac8119b246cee98e9b12e9197d", "" },
    { KC_AES_CTR, "SP 800-38A F.5.1", "2b7e151628aed2a6abf7158809cf4f3c",
      "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", "", "6bc1bee22e409f96e93d7e117393172a",
      "874d6191b620e3261bef6864990db6ce", "" },
    { KC_AES_XTS, "IEEE 1619 vector 1",
      "0000000000000000000000000000000000000000000000000000000000000000",
      "00000000000000000000000000000000", "",
      "0000000000000000000000000000000000000000000000000000000000000000",
      "917cf69ebd68b2ec9b9fe9a3eadda692cd43d2f59598ed858c02c2652fbf922e", "" },
    { KC_AES_CTS, "RFC 3962 B", "636869636b656e207465726979616b69",
      "00000000000000000000000000000000", "", "4920776f756c64206c696b652074686520",
      "c6353568f2bf8cb4d8a580362da7ff7f97", "" },
    { KC_AES_GCM, "GCM spec test case 2", "00000000000000000000000000000000",
      "000000000000000000000000", "", "00000000000000000000000000000000",
      "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf" },
    { KC_AES_CCM, "RFC 3610 packet 1", "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
      "00000003020100a0a1a2a3a4a5", "0001020304050607",
      "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
      "588c979a61c663d2f066d0c2c0f989806d5f6b61dac384", "17e8d12cfdf926e0" },
    { KC_CHACHA20_POLY1305, "RFC 8439 2.8.2",
      "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
      "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7", SUNSCREEN_PT, SUNSCREEN_CT,
      "1ae10b594f09e26a7e902ecbd0600691" },
    { KC_SHA1, "FIPS 180-2 B.1", "", "", "", ABC,
      "a9993e364706816aba3e25717850c26c9cd0d89d", "" },
    { KC_SHA224, "FIPS 180-2 (SHA-224 abc)", "", "", "", ABC,
      "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7", "" },
    { KC_SHA256, "FIPS 180-2 B.1", "", "", "", ABC,
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "" },
    { KC_SHA384, "FIPS 180-2 D.1", "", "", "", ABC,
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
      "8086072ba1e7cc2358baeca134c825a7", "" },
    { KC_SHA512, "FIPS 180-2 C.1", "", "", "", ABC,
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", "" },
    { KC_SHA3_224, "FIPS 202 example (abc)", "", "", "", ABC,
      "e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf", "" },
    { KC_SHA3_256, "FIPS 202 example (abc)", "", "", "", ABC,
      "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532", "" },
    { KC_SHA3_384, "FIPS 202 example (abc)", "", "", "", ABC,
      "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b2"
      "98d88cea927ac7f539f1edf228376d25", "" },
    { KC_SHA3_512, "FIPS 202 example (abc)", "", "", "", ABC,
      "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
      "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0", "" },
    { KC_HMAC_SHA1, "RFC 2202 case 2", JEFE, "", "", WANT,
      "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", "" },
    { KC_HMAC_SHA224, "RFC 4231 case 2", JEFE, "", "", WANT,
      "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44", "" },
    { KC_HMAC_SHA256, "RFC 4231 case 2", JEFE, "", "", WANT,
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "" },
    { KC_HMAC_SHA384, "RFC 4231 case 2", JEFE, "", "", WANT,
      "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
      "8e2240ca5e69e2c78b3239ecfab21649", "" },
    { KC_HMAC_SHA512, "RFC 4231 case 2", JEFE, "", "", WANT,
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
      "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737", "" },
    HMAC_SHA3_KATS
    { KC_CMAC_AES, "RFC 4493 example 2", "2b7e151628aed2a6abf7158809cf4f3c", "", "",
      "6bc1bee22e409f96e93d7e117393172a", "070a16b46b4d4144f79bdd9dd04a287c", "" },
    { KC_AES_KW, "RFC 3394 4.1", "000102030405060708090a0b0c0d0e0f", "", "",
      "00112233445566778899aabbccddeeff", "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5",
      "" },
    { KC_AES_KWP, "RFC 5649 6 (7 bytes)",
      "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "", "", "466f7250617369",
      "afbeb0f07dfbf5419200f2ccb50bb24f", "" },
    { KC_AES_KWP, "RFC 5649 6 (20 bytes)",
      "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "", "",
      "c37b7e6492584340bed12207808941155068f738",
      "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a", "" },
};

const unsigned selftest_kat_count = sizeof(selftest_kats) / sizeof(selftest_kats[0]);
