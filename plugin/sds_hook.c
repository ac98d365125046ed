/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   The audit hook: what the server's own DDL threads run. The callback runs
   inside the DDL statement's thread, for every table the statement opens:
   it leaves at once for the per-table-open LOCK events, and for
   CREATE/ALTER/RENAME/DROP of a database the DBA listed in
   frappe_sds_databases (not applied from a replication or Galera applier)
   it only records (database, table) in a coalescing set and wakes the
   worker (sds_worker.c). */
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

unsigned long long sds_stat_events, sds_stat_coalesced, sds_stat_syncs,
  sds_stat_reloads, sds_stat_errors, sds_stat_timeouts;
unsigned long sds_stat_queue_depth;
char sds_stat_last_error[512];

/* ---- small helpers ------------------------------------------------------ */

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


void set_error(const char *fmt, const char *a, const char *b)
{
  char msg[sizeof(sds_stat_last_error)];
  snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
  pthread_mutex_lock(&lock);
  sds_stat_errors++;
  memcpy(sds_stat_last_error, msg, sizeof(msg));
  pthread_mutex_unlock(&lock);
  my_printf_error(ER_UNKNOWN_ERROR, "frappe_sds: %s", ME_ERROR_LOG_ONLY, msg);
}

/* A name of at most SDS_NAME_MAX characters (the server passes names in
   UTF-8: a 25-character CJK table name is 75 bytes, and still valid). */
static int name_ok(MYSQL_CONST_LEX_STRING s)
{
  size_t i, chars= 0;
  if (!s.str || s.length > SDS_NAME_BYTES)
    return 0;
  for (i= 0; i < s.length; i++)
    chars+= ((unsigned char) s.str[i] & 0xC0) != 0x80;
  return chars <= SDS_NAME_MAX;
}

static void copy_name(char *dst, MYSQL_CONST_LEX_STRING s)
{
  size_t n= s.length > SDS_NAME_BYTES ? SDS_NAME_BYTES : s.length;
  memcpy(dst, s.str, n);
  dst[n]= '\0';
}

/* ---- the audit callback ------------------------------------------------- */

/* A DDL event: filter, then record it (off the hot path: not inlined, so
   the notify function below needs no stack frame; its arguments in the
   notify function's order, so that the hot path moves no register). */
static void __attribute__((noinline, noipa))
ddl_seen(MYSQL_THD thd, unsigned int event_class,
         const struct mysql_event_table *ev, char kind)
{
  ddl_event *e;
  size_t i;
  (void) event_class;
  if (!sds_opt_watch || !worker_running || !name_ok(ev->database) ||
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
  pthread_mutex_lock(&lock);
  /* only the databases the DBA named are watched (none when empty) */
  if ((user_list && ev->user && in_list(user_list, ev->user, strlen(ev->user))) ||
      !db_list || !in_list(db_list, ev->database.str, ev->database.length))
  {
    pthread_mutex_unlock(&lock);
    return;
  }
  sds_stat_events++;
  for (i= 0; i < npending; i++)
  {
    e= &pending[i];
    if (e->kind == kind && lex_eq(ev->database, e->db) &&
        lex_eq(ev->table, e->table))
    {
      sds_stat_coalesced++;
      clock_gettime(CLOCK_REALTIME, &e->at);
      goto done;
    }
  }
  if (npending == cappending)
  {
    size_t nc= cappending ? cappending * 2 : 64;
    ddl_event *p;
    if (nc > SDS_MAX_PENDING || !(p= realloc(pending, nc * sizeof(*p))))
    {
      /* the startup-style reconciliation of sds_sync_schema finds it */
      sds_stat_coalesced++;
      goto done;
    }
    pending= p;
    cappending= nc;
  }
  e= &pending[npending++];
  e->kind= kind;
  copy_name(e->db, ev->database);
  copy_name(e->table, ev->table);
  e->new_table[0]= '\0';
  if (kind == 'r' && ev->new_table.str)
    copy_name(e->new_table, ev->new_table);
  clock_gettime(CLOCK_REALTIME, &e->at);
  sds_stat_queue_depth= npending;
  /* the first event wakes the worker; later ones of the burst only move
     last_event on (the worker, in its debounce wait, looks at it when its
     deadline comes): no context switch per ALTER of a migrate */
  if (npending == 1)
    pthread_cond_signal(&wake);
done:
  clock_gettime(CLOCK_MONOTONIC, &last_event);
  pthread_mutex_unlock(&lock);
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
