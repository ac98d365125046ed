/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Budgeted allocation (sds_alloc.h). Each block carries a small header:
   its size and its budget (NULL = plain libc block). */
#define SDS_ALLOC_IMPL
#include "sds_alloc.h"

#include <stdint.h>

/* 16 bytes, 8-byte aligned: the user data keeps the alignment of the
   allocator underneath plus 16 (libc: 16; the server's my_malloc: 8, which
   is all the core's structures need: pointers and size_t) */
typedef struct hdr
{
  struct
  {
    sds_budget *b;
    size_t n;
  } h;
} hdr;

static __thread sds_budget *current;

sds_budget *sds_budget_enter(sds_budget *b)
{
  sds_budget *prev= current;
  current= b;
  return prev;
}

void sds_budget_leave(sds_budget *previous)
{
  current= previous;
}

void *sds_malloc(size_t n)
{
  sds_budget *b= current;
  hdr *p;
  if (n > SIZE_MAX / 2 - sizeof(hdr))
    return NULL;
  if (b && b->limit && (b->used + n > b->limit))
  {
    b->over= 1;
    return NULL;
  }
  p= (b && b->alloc) ? b->alloc(sizeof(hdr) + n) : malloc(sizeof(hdr) + n);
  if (!p)
    return NULL;
  p->h.b= b;
  p->h.n= n;
  if (b)
  {
    b->used+= n;
    if (b->used > b->peak)
      b->peak= b->used;
  }
  return p + 1;
}

void *sds_calloc(size_t n, size_t size)
{
  void *p;
  if (size && n > SIZE_MAX / size)
    return NULL;
  if ((p= sds_malloc(n * size)))
    memset(p, 0, n * size);
  return p;
}

void sds_free(void *ptr)
{
  hdr *p;
  sds_budget *b;
  if (!ptr)
    return;
  p= (hdr *) ptr - 1;
  b= p->h.b;
  if (!b)
  {
    free(p);
    return;
  }
  b->used-= p->h.n;
  if (b->release)
    b->release(p);
  else
    free(p);
}

void *sds_realloc(void *ptr, size_t n)
{
  hdr *p;
  void *q;
  if (!ptr)
    return sds_malloc(n);
  p= (hdr *) ptr - 1;
  if (n <= p->h.n)
    return ptr;                 /* the core only grows blocks */
  if (!(q= sds_malloc(n)))
    return NULL;                /* the old block stays valid, as realloc */
  memcpy(q, ptr, p->h.n);
  sds_free(ptr);
  return q;
}

char *sds_strdup(const char *s)
{
  size_t n= strlen(s) + 1;
  char *d= sds_malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}
