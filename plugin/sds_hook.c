/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   The audit hook: what the server's own DDL threads run. The callback runs
   inside the DDL statement's thread, for every table the statement opens:
   it leaves at once for the per-table-open LOCK events, and for
   CREATE/ALTER/RENAME/DROP of a database the DBA listed in
   frappe_sds_databases (not applied from a replication or Galera applier)
   it only records (kind, table) in the site's own coalescing queue and
   wakes the worker (sds_worker.c): a cost per event that does not grow
   with the queue, and one site's DDL never fills another site's queue. */
#include "sds_worker.h"
#include <mysql/service_my_print_error.h>
#include <mysqld_error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char sds_opt_watch= 1;
unsigned int sds_opt_debounce_ms= 2000;
unsigned int sds_opt_poll_ms= 5000;
char *sds_opt_databases= NULL;
char *sds_opt_ignore_users= NULL;
char *sds_opt_worker_user= NULL;
char *sds_opt_worker_password_file= NULL;
unsigned int sds_opt_statement_timeout= 300;
unsigned int sds_opt_queue_max= 65536;

unsigned long long sds_stat_events, sds_stat_coalesced, sds_stat_syncs,
  sds_stat_reloads, sds_stat_errors, sds_stat_timeouts, sds_stat_overflows;
unsigned long sds_stat_queue_depth;
char sds_stat_last_error[SDS_ERROR_MAX];

static int lex_eq(MYSQL_CONST_LEX_STRING s, const char *z)
{
  size_t n= strlen(z);
  return s.length == n && memcmp(s.str, z, n) == 0;
}

static int lex_prefix(MYSQL_CONST_LEX_STRING s, const char *p)
{
  size_t n= strlen(p);
  return s.length >= n && memcmp(s.str, p, n) == 0;
}

/* A name of at most SDS_NAME_MAX characters (the server passes names in
   UTF-8: a 25-character CJK table name is 75 bytes, and still valid). */
static int name_ok(MYSQL_CONST_LEX_STRING s)
{
  return s.str && s.length <= SDS_NAME_BYTES &&
         sds_utf8_chars(s.str, s.length) <= SDS_NAME_MAX;
}

static void copy_name(char *dst, MYSQL_CONST_LEX_STRING s)
{
  memcpy(dst, s.str, s.length);   /* (name_ok: it fits) */
  dst[s.length]= '\0';
}

void sds_ddl_reload_lists(void)
{
  pthread_mutex_lock(&sds_worker_lock);
  sds_list_copy(&sds_db_list, sds_opt_databases);
  sds_list_copy(&sds_user_list, sds_opt_ignore_users);
  sds_worker_lists_changed();
  pthread_mutex_unlock(&sds_worker_lock);
}

/* ---- a site's queue ------------------------------------------------------ */

void sds_queue_distrust(sds_site *s, double t)
{
  if (!s->queue.overflow_since || t < s->queue.overflow_since)
    s->queue.overflow_since= t;
  s->last_event= sds_now_ms();
}

/* Put an event into the site's queue (the gauge counts it). */
static int queue_put(sds_queue *q, const sds_event *e)
{
  int r= sds_queue_put(q, e, sds_opt_queue_max);
  if (r == 0)
    sds_stat_queue_depth++;
  return r;
}

/* An event that does not fit: never silent, never lost -- the site's next
   pass distrusts every signature change from its time on
   (sds__worker_pass). */
static void queue_overflow(sds_site *s, const struct timespec *at)
{
  s->info.overflows++;
  sds_stat_overflows++;
  if (!s->queue.overflow_since)
    my_printf_error(ER_UNKNOWN_ERROR, "frappe_sds: the DDL queue of %s is "
                    "full (frappe_sds_queue_max = %u): its next pass "
                    "compares the signature of every table",
                    ME_ERROR_LOG_ONLY | ME_WARNING, s->name, sds_opt_queue_max);
  sds_queue_distrust(s, (double) at->tv_sec + at->tv_nsec / 1e9);
}

/* Queue the event in the site's queue (under lock). */
static void queue_event(sds_site *s, const struct mysql_event_table *ev,
                        char kind)
{
  sds_event e;
  int r;
  clock_gettime(CLOCK_REALTIME, &e.at);
  s->info.events++;
  e.kind= kind;
  copy_name(e.table, ev->table);
  e.new_table[0]= '\0';
  if (kind == 'r' && name_ok(ev->new_table))
    copy_name(e.new_table, ev->new_table);
  if ((r= queue_put(&s->queue, &e)) > 0)
  {
    s->info.coalesced++;
    sds_stat_coalesced++;
  }
  else if (r < 0)
    queue_overflow(s, &e.at);
}

/* The events a pass took and did not record (it failed): back into the
   site's queue, ahead of the events queued since (under lock). Coalesced
   with those as the hook coalesces; what does not fit is an overflow. */
void sds_queue_requeue(sds_site *s, const sds_event *ev, size_t n)
{
  sds_queue q= s->queue, fresh;
  size_t i;
  if (!n)
    return;
  memset(&fresh, 0, sizeof(fresh));
  fresh.overflow_since= q.overflow_since;
  sds_stat_queue_depth-= q.n;
  s->queue= fresh;
  for (i= 0; i < n + q.n; i++)
  {
    const sds_event *e= i < n ? &ev[i] : &q.ev[i - n];
    if (queue_put(&s->queue, e) < 0)
      queue_overflow(s, &e->at);
  }
  sds_queue_free(&q);
}

/* ---- the audit callback ------------------------------------------------- */

/* A DDL event: filter, then record it (off the hot path: not inlined, so
   the notify function below needs no stack frame; its arguments in the
   notify function's order, so that the hot path moves no register). */
static void __attribute__((noinline, noipa))
ddl_seen(MYSQL_THD thd, unsigned int event_class,
         const struct mysql_event_table *ev, char kind)
{
  sds_site *s;
  int first;
  (void) event_class;
  if (!sds_opt_watch || !sds_worker_running || !name_ok(ev->database) ||
      !name_ok(ev->table))
    return;
  /* DDL replicated from another server (a replica's SQL thread, a Galera
     applier): the server where it was issued does the work, and its
     writes reach this one by replication */
  if (SDS_THD_REPLICATED(thd))
    return;
  /* system schemas, SymmetricDS's and our own tables (our procedures
     create temporary sds__* tables: no feedback loop), temporary names */
  if (lex_eq(ev->database, "mysql") || lex_eq(ev->database, "sys") ||
      lex_eq(ev->database, "information_schema") ||
      lex_eq(ev->database, "performance_schema") ||
      lex_prefix(ev->table, "sym_") || lex_prefix(ev->table, "sds_") ||
      lex_prefix(ev->table, "#sql"))
    return;
  pthread_mutex_lock(&sds_worker_lock);
  /* only the databases the DBA named are watched (none when empty) */
  if (!sds_worker_running ||
      (sds_user_list && ev->user &&
       sds_list_has(sds_user_list, ev->user, strlen(ev->user))) ||
      !sds_db_list ||
      !sds_list_has(sds_db_list, ev->database.str, ev->database.length) ||
      !(s= sds_site_get(ev->database.str, ev->database.length)))
  {
    pthread_mutex_unlock(&sds_worker_lock);
    return;
  }
  sds_stat_events++;
  first= !s->queue.n && !s->queue.overflow_since;
  queue_event(s, ev, kind);
  s->last_event= sds_now_ms();
  s->retry_at= 0;     /* new DDL: a failed pass's backoff is over */
  /* the site's first event wakes the worker; later ones of the burst only
     move the site's last_event on (the worker looks at it when the site's
     debounce deadline comes): no context switch per ALTER of a migrate */
  if (first)
    pthread_cond_signal(&sds_worker_wake);
  pthread_mutex_unlock(&sds_worker_lock);
}

void sds_ddl_notify(MYSQL_THD thd, unsigned int event_class,
                    const void *event)
{
  const struct mysql_event_table *ev= event;
  /* every table a statement opens is a LOCK event: the hot path, which
     must cost no more than a do-nothing subscriber's (bench figure 2) */
  if (__builtin_expect(event_class != MYSQL_AUDIT_TABLE_CLASS ||
                       ev->event_subclass == MYSQL_AUDIT_TABLE_LOCK, 1))
    return;
  switch (ev->event_subclass)
  {
  case MYSQL_AUDIT_TABLE_CREATE: ddl_seen(thd, event_class, ev, 'c'); break;
  case MYSQL_AUDIT_TABLE_DROP: ddl_seen(thd, event_class, ev, 'd'); break;
  case MYSQL_AUDIT_TABLE_RENAME: ddl_seen(thd, event_class, ev, 'r'); break;
  case MYSQL_AUDIT_TABLE_ALTER: ddl_seen(thd, event_class, ev, 'a'); break;
  default:
    break;
  }
}
