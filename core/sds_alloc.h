/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Every allocation of the core (and of the UDFs that include its headers)
   goes through sds_malloc & co., so that one UDF call can be given a
   memory budget: a cap with a clear error past it, and allocation through
   the server's thread-specific allocator, which counts the bytes in the
   session's Memory_used and max_session_mem_used.
   The standard names are redirected by macros (after <stdlib.h> and
   <string.h> declared them) rather than edited at each call site, so code
   written with malloc/free keeps working and cannot miss the budget. */
#ifndef SDS_ALLOC_H
#define SDS_ALLOC_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct sds_budget
{
  size_t limit;                 /* bytes; 0 = no cap */
  size_t used, peak;            /* live bytes of this budget, high mark */
  int over;                     /* an allocation past the cap was refused */
  /* where the bytes come from: NULL = libc; else e.g. the server's
     my_malloc(MY_THREAD_SPECIFIC) and my_free */
  void *(*alloc)(size_t n);
  void (*release)(void *p);
} sds_budget;

/* Allocations made by this thread count against b (and come from its
   allocator) until sds_budget_leave(). Blocks remember their budget, so
   they may be freed later, inside or outside it (same thread when the
   allocator is thread-specific). Returns the budget that was current. */
sds_budget *sds_budget_enter(sds_budget *b);
void sds_budget_leave(sds_budget *previous);

void *sds_malloc(size_t n);
void *sds_calloc(size_t n, size_t size);
void *sds_realloc(void *p, size_t n);
void sds_free(void *p);
char *sds_strdup(const char *s);

#ifndef SDS_ALLOC_IMPL
#undef malloc
#undef calloc
#undef realloc
#undef free
#undef strdup
#define malloc(n) sds_malloc(n)
#define calloc(n, s) sds_calloc(n, s)
#define realloc(p, n) sds_realloc(p, n)
#define free(p) sds_free(p)
#define strdup(s) sds_strdup(s)
#endif

#endif
