/* A tiny assertion harness (after Jansson's util.h and libuv's task.h).
 * Each test program calls its checks and ends with CHECK_DONE(), which prints
 * "N passed, N failed" and returns the exit status. */
#ifndef MP_TEST_CHECK_H
#define MP_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed_, check_failed_;

#define CHECK_(cond, ...)                                                      \
    do {                                                                       \
        if (cond) {                                                            \
            check_passed_++;                                                   \
        } else {                                                               \
            check_failed_++;                                                   \
            fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);              \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
        }                                                                      \
    } while (0)

#define CHECK(cond) CHECK_((cond), "%s", #cond)
#define CHECK_EQ(a, b)                                                         \
    CHECK_((a) == (b), "%s == %s (%lld vs %lld)", #a, #b, (long long)(a),      \
           (long long)(b))
#define CHECK_STR(a, b)                                                        \
    CHECK_(strcmp((a), (b)) == 0, "%s == %s (\"%s\" vs \"%s\")", #a, #b, (a), (b))
/* |a - b| <= atol + rtol * |b| */
#define CHECK_NEAR(a, b, rtol, atol)                                           \
    do {                                                                       \
        double ca_ = (a), cb_ = (b);                                           \
        CHECK_(fabs(ca_ - cb_) <= (atol) + (rtol)*fabs(cb_),                   \
               "%s ~ %s (%.17g vs %.17g, diff %.3g)", #a, #b, ca_, cb_,        \
               ca_ - cb_);                                                     \
    } while (0)
#define CHECK_OK(expr)                                                         \
    do {                                                                       \
        int crc_ = (expr);                                                     \
        CHECK_(crc_ == 0, "%s returned %d", #expr, crc_);                      \
    } while (0)

#define CHECK_DONE()                                                           \
    (printf("%d passed, %d failed\n", check_passed_, check_failed_),           \
     check_failed_ ? 1 : 0)

#endif
