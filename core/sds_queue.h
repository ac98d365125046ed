/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   A site's queue of DDL events: the events in arrival order, coalesced by
   (kind, table), and a hash set over them (open addressing) so that the
   cost of queueing one event -- paid in the server's DDL thread -- does
   not grow with the queue. Pure: no server headers, no lock (the caller
   holds the worker's lock). */
#ifndef SDS_QUEUE_H
#define SDS_QUEUE_H

#include <stddef.h>
#include <time.h>

#define SDS_NAME_MAX 64           /* characters, as the server counts them */
#define SDS_NAME_BYTES (4 * SDS_NAME_MAX) /* the same in UTF-8 bytes */

/* One DDL event of a site. */
typedef struct sds_event
{
  char kind;                    /* c, a, r, d */
  char table[SDS_NAME_BYTES + 1];
  char new_table[SDS_NAME_BYTES + 1];
  struct timespec at;           /* wall clock of the latest such DDL */
} sds_event;

/* The events, and the hash set over them: slot[i] is an index into ev
   plus one, 0 is empty; nslot is a power of two at least twice n. */
typedef struct sds_queue
{
  sds_event *ev;
  size_t n, cap;
  unsigned *slot;
  size_t nslot;                 /* a power of two, or 0 */
  double overflow_since;        /* Unix time of the first event that did
                                   not fit; 0: none */
  unsigned long long probes;    /* slots looked at, over the queue's life */
} sds_queue;

/* Put an event into the queue, coalesced by (kind, table): an event
   already there keeps its place and takes the later time (and, for a
   later rename, its new name). At most `max` events. 1 coalesced, 0
   queued, -1 no room (max reached, or out of memory). */
int sds_queue_put(sds_queue *q, const sds_event *e, size_t max);

/* Whether (kind, table) is queued. */
int sds_queue_has(sds_queue *q, char kind, const char *table);

void sds_queue_free(sds_queue *q);

#endif
