/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   A site's queue of DDL events (see sds_queue.h). */
#include "sds_queue.h"
#include "sds_quote.h"

#include <stdlib.h>
#include <string.h>

static size_t event_hash(char kind, const char *t, size_t n)
{
  return (size_t) sds_fnv1a(t, n) * 31u + (unsigned char) kind;
}

/* The slot of (kind, table) in the hash set: the event's, or the empty
   one where it would go (the set is never full: at most half used). */
static size_t slot_of(sds_queue *q, char kind, const char *t, size_t n)
{
  size_t mask= q->nslot - 1, i;
  for (i= event_hash(kind, t, n) & mask;; i= (i + 1) & mask)
  {
    const sds_event *e;
    q->probes++;
    if (!q->slot[i])
      break;
    e= &q->ev[q->slot[i] - 1];
    if (e->kind == kind && memcmp(e->table, t, n) == 0 && !e->table[n])
      break;
  }
  return i;
}

/* Room for one more event: the array and, at half full, a hash set twice
   as big. 0, or -1 (out of memory: the queue is as it was). */
static int reserve(sds_queue *q)
{
  size_t i;
  if (q->n == q->cap)
  {
    size_t nc= q->cap ? q->cap * 2 : 64;
    sds_event *p= realloc(q->ev, nc * sizeof(*p));
    if (!p)
      return -1;
    q->ev= p;
    q->cap= nc;
  }
  if (2 * (q->n + 1) > q->nslot)
  {
    sds_queue g= *q;
    g.nslot= q->nslot ? q->nslot * 2 : 128;
    if (!(g.slot= calloc(g.nslot, sizeof(*g.slot))))
      return -1;
    for (i= 0; i < q->n; i++)
      g.slot[slot_of(&g, g.ev[i].kind, g.ev[i].table,
                     strlen(g.ev[i].table))]= (unsigned) i + 1;
    free(q->slot);
    *q= g;
  }
  return 0;
}

static int later(const struct timespec *a, const struct timespec *b)
{
  return a->tv_sec > b->tv_sec ||
         (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

int sds_queue_put(sds_queue *q, const sds_event *src, size_t max)
{
  size_t i, n= strlen(src->table);
  if (q->nslot && q->slot[i= slot_of(q, src->kind, src->table, n)])
  {
    sds_event *e= &q->ev[q->slot[i] - 1];
    if (later(&src->at, &e->at))
    {
      e->at= src->at;
      if (src->new_table[0])
        memcpy(e->new_table, src->new_table, sizeof(e->new_table));
    }
    return 1;
  }
  if (q->n >= max || reserve(q))
    return -1;
  q->slot[slot_of(q, src->kind, src->table, n)]= (unsigned) q->n + 1;
  q->ev[q->n++]= *src;
  return 0;
}

int sds_queue_has(sds_queue *q, char kind, const char *table)
{
  return q->nslot && q->slot[slot_of(q, kind, table, strlen(table))] != 0;
}

void sds_queue_free(sds_queue *q)
{
  free(q->ev);
  free(q->slot);
  memset(q, 0, sizeof(*q));
}
