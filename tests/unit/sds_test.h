/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Minimal unit-test helpers: CHECK records a failure and goes on; the
   test's main returns sds_test_finish(). */
#ifndef SDS_TEST_H
#define SDS_TEST_H

#include <stdio.h>
#include <string.h>

static int sds_test_failures, sds_test_checks;

#define CHECK(cond)                                                     \
  do {                                                                  \
    sds_test_checks++;                                                  \
    if (!(cond)) {                                                      \
      sds_test_failures++;                                              \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
              #cond);                                                   \
    }                                                                   \
  } while (0)

#define CHECK_STR(got, want)                                            \
  do {                                                                  \
    const char *g_= (got), *w_= (want);                                 \
    sds_test_checks++;                                                  \
    if (!g_ || strcmp(g_, w_) != 0) {                                   \
      sds_test_failures++;                                              \
      fprintf(stderr, "%s:%d: got  [%s]\n%*swant [%s]\n", __FILE__,     \
              __LINE__, g_ ? g_ : "(null)", (int) strlen(__FILE__) + 6, \
              "", w_);                                                  \
    }                                                                   \
  } while (0)

#define CHECK_HAS(hay, needle)                                          \
  do {                                                                  \
    const char *h_= (hay), *n_= (needle);                               \
    sds_test_checks++;                                                  \
    if (!h_ || !strstr(h_, n_)) {                                       \
      sds_test_failures++;                                              \
      fprintf(stderr, "%s:%d: [%s] not found in [%.400s]\n", __FILE__,  \
              __LINE__, n_, h_ ? h_ : "(null)");                        \
    }                                                                   \
  } while (0)

static int sds_test_finish(const char *name)
{
  printf("%s: %d checks, %d failed\n", name, sds_test_checks,
         sds_test_failures);
  return sds_test_failures ? 1 : 0;
}

#endif
