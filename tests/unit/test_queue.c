/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Unit tests: a site's DDL queue (core/sds_queue.c). The hook queues an
   event in the server's DDL thread, so its cost must not grow with the
   queue (issue 23: a queue that was searched whole for every event took
   ~0.7 ms per event once 70,000 long). Counted, not timed: the slots
   looked at per event stay a small constant from the first event to the
   200,000th. */
#include "sds_test.h"
#include "../../core/sds_queue.h"

#include <stdio.h>
#include <stdlib.h>

static sds_event ev(char kind, const char *table, long sec)
{
  sds_event e;
  memset(&e, 0, sizeof(e));
  e.kind= kind;
  snprintf(e.table, sizeof(e.table), "%s", table);
  e.at.tv_sec= sec;
  return e;
}

/* the average slots looked at per put, over puts number [from, to) of
   distinct tables "t<i>" */
static double probes_per_put(sds_queue *q, unsigned from, unsigned to)
{
  unsigned long long before= q->probes;
  unsigned i;
  char t[32];
  for (i= from; i < to; i++)
  {
    sds_event e;
    snprintf(t, sizeof(t), "tabTable %u", i);
    e= ev('a', t, i);
    if (sds_queue_put(q, &e, 1000000) != 0)
      return -1;
  }
  return (double) (q->probes - before) / (to - from);
}

int main(void)
{
  sds_queue q;
  sds_event e;
  double early, late, again;
  unsigned long long before;
  unsigned i;
  char t[32];
  memset(&q, 0, sizeof(q));

  /* coalescing by (kind, table): one entry, the later time, the later
     rename's new name; another kind of the same table is another event */
  e= ev('a', "tabItem", 10);
  CHECK(sds_queue_put(&q, &e, 10) == 0);
  e= ev('a', "tabItem", 12);
  CHECK(sds_queue_put(&q, &e, 10) == 1);
  e= ev('a', "tabItem", 11);
  CHECK(sds_queue_put(&q, &e, 10) == 1);
  CHECK(q.n == 1 && q.ev[0].at.tv_sec == 12);
  e= ev('r', "tabItem", 13);
  snprintf(e.new_table, sizeof(e.new_table), "tabGood");
  CHECK(sds_queue_put(&q, &e, 10) == 0);
  e= ev('r', "tabItem", 14);
  snprintf(e.new_table, sizeof(e.new_table), "tabBetter");
  CHECK(sds_queue_put(&q, &e, 10) == 1);
  CHECK(q.n == 2 && q.ev[1].kind == 'r');
  CHECK_STR(q.ev[1].new_table, "tabBetter");
  /* a name that is a prefix of another is another table */
  e= ev('a', "tabItem Price", 15);
  CHECK(sds_queue_put(&q, &e, 10) == 0);
  CHECK(sds_queue_has(&q, 'a', "tabItem") && sds_queue_has(&q, 'a', "tabItem Price"));
  CHECK(!sds_queue_has(&q, 'a', "tabIte") && !sds_queue_has(&q, 'd', "tabItem"));

  /* the limit: a new event beyond it has no room; a coalesced one still
     fits */
  for (i= 0; i < 7; i++)
  {
    snprintf(t, sizeof(t), "tabFill %u", i);
    e= ev('c', t, 20);
    CHECK(sds_queue_put(&q, &e, 10) == 0);
  }
  CHECK(q.n == 10);
  e= ev('c', "tabOne Too Many", 21);
  CHECK(sds_queue_put(&q, &e, 10) == -1);
  CHECK(q.n == 10 && !sds_queue_has(&q, 'c', "tabOne Too Many"));
  e= ev('a', "tabItem", 22);
  CHECK(sds_queue_put(&q, &e, 10) == 1);
  /* arrival order is kept */
  CHECK_STR(q.ev[0].table, "tabItem");
  CHECK_STR(q.ev[9].table, "tabFill 6");
  sds_queue_free(&q);
  CHECK(q.n == 0 && q.nslot == 0 && !q.ev);

  /* constant cost: the slots looked at per new event, for the first
     1,000 events and for events 199,000..200,000 (every rehash between
     included in the count), and per coalesced event at 200,000 */
  early= probes_per_put(&q, 0, 1000);
  CHECK(probes_per_put(&q, 1000, 199000) > 0);
  late= probes_per_put(&q, 199000, 200000);
  before= q.probes;
  for (i= 0; i < 1000; i++)
  {
    snprintf(t, sizeof(t), "tabTable %u", i * 199);
    e= ev('a', t, 300000);
    CHECK(sds_queue_put(&q, &e, 1000000) == 1);
  }
  again= (double) (q.probes - before) / 1000;
  printf("slots looked at per event: %.2f (first 1,000), %.2f (at 200,000), "
         "%.2f (coalesced at 200,000)\n", early, late, again);
  CHECK(q.n == 200000);
  CHECK(early > 0 && early < 8);   /* (small tables: rehashes weigh more) */
  CHECK(late > 0 && late < 8 && late <= early);
  CHECK(again > 0 && again < 8);
  /* every event still found, in its place */
  for (i= 0; i < 200000; i+= 997)
  {
    snprintf(t, sizeof(t), "tabTable %u", i);
    CHECK(sds_queue_has(&q, 'a', t));
  }
  CHECK_STR(q.ev[123456].table, "tabTable 123456");
  sds_queue_free(&q);
  return sds_test_finish("queue");
}
