/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   DDL hook and worker. The audit callback runs inside the DDL statement's
   thread, for every table the statement opens: it leaves at once for the
   per-table-open LOCK events, and for CREATE/ALTER/RENAME/DROP it only
   records (database, table) in a coalescing set and wakes the worker. The
   worker waits until the burst is quiet for frappe_sds_debounce_ms, then,
   per database where frappe_sds is installed, writes the events into
   sds_schema_event and runs CALL sds__sync_run(1) over a local connection
   (the SQL service): one code path with sds_sync_schema(). It re-runs
   (sds__sync_run(0): the open changes only) while changes wait for
   SymmetricDS, and once at startup (a full pass) for every such
   database, which is what makes a crash between a DDL and its reload
   request harmless: sds_sync_schema compares the live columns with what
   SymmetricDS captures. */
#include "sds_ddl.h"
#include <mysql/service_sql.h>
#include <mysql/service_my_print_error.h>
#include <mysqld_error.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* not in the public headers of the SQL service */
my_bool my_thread_init(void);
void my_thread_end(void);

#define SDS_NAME_MAX 64
#define SDS_MAX_PENDING 100000   /* distinct tables; beyond: sync the db */

typedef struct ddl_event
{
  char kind;                    /* c, a, r, d */
  char db[SDS_NAME_MAX + 1];
  char table[SDS_NAME_MAX + 1];
  char new_table[SDS_NAME_MAX + 1];
  struct timespec at;           /* wall clock of the latest such DDL */
} ddl_event;

char sds_opt_watch= 1;
unsigned int sds_opt_debounce_ms= 2000;
unsigned int sds_opt_poll_ms= 5000;
char *sds_opt_databases= NULL;
char *sds_opt_ignore_users= NULL;

unsigned long long sds_stat_events, sds_stat_coalesced, sds_stat_syncs,
  sds_stat_reloads, sds_stat_errors;
unsigned long sds_stat_queue_depth;
char sds_stat_last_error[512];

static pthread_mutex_t lock= PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake= PTHREAD_COND_INITIALIZER;
static pthread_t worker;
static int worker_running, stopping;
static ddl_event *pending;
static size_t npending, cappending;
static struct timespec last_event;
/* databases with changes still waiting for SymmetricDS */
static char (*followup)[SDS_NAME_MAX + 1];
static size_t nfollowup, capfollowup;

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

/* name in a comma-separated list (spaces around items ignored) */
static int in_list(const char *list, const char *name, size_t n)
{
  const char *p= list;
  if (!list || !*list)
    return 0;
  while (*p)
  {
    const char *e;
    size_t len;
    while (*p == ' ' || *p == ',')
      p++;
    e= p;
    while (*e && *e != ',')
      e++;
    len= (size_t) (e - p);
    while (len && p[len - 1] == ' ')
      len--;
    if (len == n && memcmp(p, name, n) == 0)
      return 1;
    p= e;
  }
  return 0;
}

static void set_error(const char *fmt, const char *a, const char *b)
{
  char msg[sizeof(sds_stat_last_error)];
  snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
  pthread_mutex_lock(&lock);
  sds_stat_errors++;
  memcpy(sds_stat_last_error, msg, sizeof(msg));
  pthread_mutex_unlock(&lock);
  my_printf_error(ER_UNKNOWN_ERROR, "frappe_sds: %s", ME_ERROR_LOG_ONLY, msg);
}

static void copy_name(char *dst, MYSQL_CONST_LEX_STRING s)
{
  size_t n= s.length > SDS_NAME_MAX ? SDS_NAME_MAX : s.length;
  memcpy(dst, s.str, n);
  dst[n]= '\0';
}

/* Private copies of frappe_sds_databases / frappe_sds_ignore_users: the
   server may free the variables' strings on SET GLOBAL while a DDL reads
   them, so the hook reads these copies under `lock` instead. */
static char *db_list, *user_list;

static void set_copy(char **dst, const char *src)
{
  char *c= NULL;
  if (src && *src)
  {
    size_t n= strlen(src) + 1;
    if ((c= malloc(n)))
      memcpy(c, src, n);
  }
  free(*dst);
  *dst= c;
}

void sds_ddl_reload_lists(void)
{
  pthread_mutex_lock(&lock);
  set_copy(&db_list, sds_opt_databases);
  set_copy(&user_list, sds_opt_ignore_users);
  pthread_mutex_unlock(&lock);
}

/* ---- the audit callback ------------------------------------------------- */

/* A DDL event: filter, then record it (off the hot path: not inlined, so
   the notify function below needs no stack frame). */
static void __attribute__((noinline))
ddl_seen(const struct mysql_event_table *ev, char kind)
{
  ddl_event *e;
  size_t i;
  if (!sds_opt_watch || !worker_running || !ev->database.str ||
      !ev->table.str || ev->database.length > SDS_NAME_MAX ||
      ev->table.length > SDS_NAME_MAX)
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
  if ((user_list && ev->user && in_list(user_list, ev->user, strlen(ev->user))) ||
      (db_list && !in_list(db_list, ev->database.str, ev->database.length)))
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
  (void) thd;
  /* every table a statement opens is a LOCK event: the hot path, which
     must cost no more than a do-nothing subscriber's (bench figure 2) */
  if (__builtin_expect(event_class != MYSQL_AUDIT_TABLE_CLASS ||
                       ev->event_subclass == MYSQL_AUDIT_TABLE_LOCK, 1))
    return;
  switch (ev->event_subclass)
  {
  case MYSQL_AUDIT_TABLE_CREATE: ddl_seen(ev, 'c'); break;
  case MYSQL_AUDIT_TABLE_DROP: ddl_seen(ev, 'd'); break;
  case MYSQL_AUDIT_TABLE_RENAME: ddl_seen(ev, 'r'); break;
  case MYSQL_AUDIT_TABLE_ALTER: ddl_seen(ev, 'a'); break;
  default:
    break;
  }
}

/* ---- worker ------------------------------------------------------------- */

static long ms_since(const struct timespec *t)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - t->tv_sec) * 1000L +
         (now.tv_nsec - t->tv_nsec) / 1000000L;
}

static void deadline_in(struct timespec *ts, long ms)
{
  clock_gettime(CLOCK_REALTIME, ts);
  ts->tv_sec+= ms / 1000;
  ts->tv_nsec+= (ms % 1000) * 1000000L;
  if (ts->tv_nsec >= 1000000000L)
  {
    ts->tv_sec++;
    ts->tv_nsec-= 1000000000L;
  }
}

/* Run one statement; store and free any result. 0 or -1 (logged). */
static int run(MYSQL *m, const char *db, const char *q, size_t len)
{
  MYSQL_RES *r;
  if (SDS_SERVER_STOPPING())
    return -1;                  /* shutting down: not one statement more */
  if (mysql_real_query(m, q, (unsigned long) len))
  {
    if (SDS_SERVER_STOPPING())
      return -1;
    char what[1200];
    snprintf(what, sizeof(what), "%.60s: %u %.1000s", db, mysql_errno(m),
             mysql_error(m));
    set_error("sync of database %s failed: %s", what, NULL);
    return -1;
  }
  if ((r= mysql_store_result(m)))
    mysql_free_result(r);
  return 0;
}

/* First column of the first row as a number, -1 on error or no row. */
static long long query_number(MYSQL *m, const char *q)
{
  MYSQL_RES *r;
  MYSQL_ROW row;
  long long v= -1;
  if (SDS_SERVER_STOPPING() ||
      mysql_real_query(m, q, (unsigned long) strlen(q)) ||
      !(r= mysql_store_result(m)))
    return -1;
  if ((row= mysql_fetch_row(r)) && row[0])
    v= strtoll(row[0], NULL, 10);
  mysql_free_result(r);
  return v;
}

static void quote_ident(char *out, size_t outsz, const char *name)
{
  size_t o= 0;
  if (outsz < 3)
    return;
  out[o++]= '`';
  for (; *name && o + 3 < outsz; name++)
  {
    if (*name == '`')
      out[o++]= '`';
    out[o++]= *name;
  }
  out[o++]= '`';
  out[o]= '\0';
}

static void quote_string(MYSQL *m, char *out, size_t outsz, const char *s)
{
  size_t n= strlen(s);
  if (outsz < 2 * n + 3)
  {
    out[0]= '\0';
    return;
  }
  out[0]= '\'';
  n= mysql_real_escape_string(m, out + 1, s, (unsigned long) n);
  out[n + 1]= '\'';
  out[n + 2]= '\0';
}

/* frappe_sds installed in db and sds_setup run there: a site installed
   but not set up has nothing to keep in sync yet */
static int db_configured(MYSQL *m, const char *db)
{
  char q[600], lit[2 * SDS_NAME_MAX + 3], qdb[2 * SDS_NAME_MAX + 3];
  quote_string(m, lit, sizeof(lit), db);
  snprintf(q, sizeof(q),
           "SELECT COUNT(*) FROM information_schema.routines WHERE "
           "routine_schema = %s AND routine_name = 'sds__sync_run'", lit);
  if (query_number(m, q) <= 0)
    return 0;
  quote_ident(qdb, sizeof(qdb), db);
  snprintf(q, sizeof(q), "SELECT COUNT(*) FROM %s.sds_setup_state", qdb);
  return query_number(m, q) > 0;
}

static void add_followup(const char *db)
{
  size_t i;
  for (i= 0; i < nfollowup; i++)
    if (strcmp(followup[i], db) == 0)
      return;
  if (nfollowup == capfollowup)
  {
    size_t nc= capfollowup ? capfollowup * 2 : 8;
    void *p= realloc(followup, nc * sizeof(*followup));
    if (!p)
      return;
    followup= p;
    capfollowup= nc;
  }
  strcpy(followup[nfollowup++], db);
}

/* Changes of db still waiting for SymmetricDS. */
static long long open_changes(MYSQL *m, const char *db)
{
  char q[400], qdb[2 * SDS_NAME_MAX + 3];
  if (!db_configured(m, db))
    return 0;
  quote_ident(qdb, sizeof(qdb), db);
  snprintf(q, sizeof(q),
           "SELECT COUNT(*) FROM %s.sds_schema_change WHERE state IN "
           "('pending', 'trigger_refresh', 'reload_requested')", qdb);
  return query_number(m, q);
}

/* Whether a sync of db without new events could move anything. A change
   waiting for SymmetricDS's trigger rebuild always could: only the pass
   itself can tell (it compares the live columns with the active
   sym_trigger_hist, whatever its create_time: SymmetricDS stamps it when
   the build starts and commits it later, possibly before this worker's
   first pass opened the change). Waiting for reloads is cheap to check:
   the pass moves such a change only once none of its requests is left
   unprocessed. */
static int something_to_do(MYSQL *m, const char *db)
{
  char q[2000], qdb[2 * SDS_NAME_MAX + 3];
  quote_ident(qdb, sizeof(qdb), db);
  snprintf(q, sizeof(q),
           "SELECT (SELECT COUNT(*) FROM %s.sds_schema_change WHERE state IN "
           "('pending', 'trigger_refresh')) + (SELECT COUNT(*) FROM "
           "%s.sds_schema_change c WHERE c.state = 'reload_requested' AND NOT "
           "EXISTS (SELECT 1 FROM %s.sym_table_reload_request q WHERE "
           "q.trigger_id = c.trigger_id AND q.create_time = c.reload_time AND "
           "q.processed = 0))", qdb, qdb, qdb);
  return query_number(m, q) != 0;
}

/* Write the events of db into its sds_schema_event and run the sync. */
static void sync_db(MYSQL *m, const char *db, const ddl_event *ev, size_t n,
                    int only_if_needed)
{
  char qdb[2 * SDS_NAME_MAX + 3], q[1024];
  size_t i;
  long long nopen, reloads;
  if (!db_configured(m, db))
    return;
  if (only_if_needed && !something_to_do(m, db))
  {
    add_followup(db);           /* still waiting: look again later */
    return;
  }
  /* a current database, as any client calling the procedure has: the
     server resolves DEFINER views (sds_company_route, read through
     information_schema by sds_meta_input) against it */
  quote_ident(qdb, sizeof(qdb), db);
  snprintf(q, sizeof(q), "USE %s", qdb);
  if (run(m, db, q, strlen(q)))
    return;
  for (i= 0; i < n; i++)
  {
    char t[2 * SDS_NAME_MAX + 3], nt[2 * SDS_NAME_MAX + 3];
    static const char *const kinds[]= {"create", "alter", "rename", "drop"};
    const char *k= ev[i].kind == 'c' ? kinds[0] : ev[i].kind == 'a' ? kinds[1]
                 : ev[i].kind == 'r' ? kinds[2] : kinds[3];
    if (strcmp(ev[i].db, db))
      continue;
    quote_string(m, t, sizeof(t), ev[i].table);
    if (ev[i].new_table[0])
      quote_string(m, nt, sizeof(nt), ev[i].new_table);
    else
      strcpy(nt, "NULL");
    snprintf(q, sizeof(q),
             "INSERT INTO %s.sds_schema_event (kind, table_name, "
             "new_table_name, seen_at) VALUES ('%s', %s, %s, "
             "FROM_UNIXTIME(%lld.%02ld))",
             qdb, k, t, nt, (long long) ev[i].at.tv_sec,
             ev[i].at.tv_nsec / 10000000L);
    if (run(m, db, q, strlen(q)))
      return;
  }
  /* a follow-up (no new DDL) only moves the open changes on */
  snprintf(q, sizeof(q), "CALL %s.sds__sync_run(%d)", qdb,
           only_if_needed ? 0 : 1);
  if (run(m, db, q, strlen(q)))
    return;
  reloads= query_number(m, "SELECT @sds_sync_reloads");
  nopen= open_changes(m, db);
  pthread_mutex_lock(&lock);
  sds_stat_syncs++;
  if (reloads > 0)
    sds_stat_reloads+= (unsigned long long) reloads;
  pthread_mutex_unlock(&lock);
  if (nopen > 0)
    add_followup(db);
}

/* Every database where frappe_sds is installed (startup reconciliation). */
static void all_installed(MYSQL *m)
{
  MYSQL_RES *r;
  MYSQL_ROW row;
  static const char q[]=
    "SELECT routine_schema FROM information_schema.routines "
    "WHERE routine_name = 'sds__sync_run' AND routine_type = 'PROCEDURE'";
  if (mysql_real_query(m, q, sizeof(q) - 1) || !(r= mysql_store_result(m)))
    return;
  while ((row= mysql_fetch_row(r)))
    if (row[0] && strlen(row[0]) <= SDS_NAME_MAX)
      add_followup(row[0]);
  mysql_free_result(r);
}

static MYSQL *connect_local(void)
{
  MYSQL *m;
  if (SDS_SERVER_STOPPING())
    return NULL;
  if (!(m= mysql_init(NULL)))
    return NULL;
  if (!mysql_real_connect_local(m))
  {
    set_error("cannot open a local connection: %s%s", mysql_error(m), NULL);
    mysql_close(m);
    return NULL;
  }
  mysql_set_character_set(m, "utf8mb4");
  return m;
}

static void *worker_main(void *arg)
{
  int startup= 1, scan;
  (void) arg;
  my_thread_init();
  pthread_mutex_lock(&lock);
  /* SQL run during plugin initialisation would find the server half-built
     (UDFs are loaded after plugins): wait until it has started */
  {
    int waited= 0;
    while (!stopping && (SDS_SERVER_STARTED_KNOWN() ? !SDS_SERVER_STARTED()
                                                    : waited < 5000))
    {
      struct timespec ts;
      deadline_in(&ts, 100);
      pthread_cond_timedwait(&wake, &lock, &ts);
      waited+= 100;
    }
  }
  while (!stopping)
  {
    ddl_event *batch;
    size_t nbatch, i, j;
    char (*dbs)[SDS_NAME_MAX + 1];
    size_t ndbs;
    MYSQL *m;
    struct timespec ts;

    scan= 0;
    if (!startup && npending == 0)
    {
      /* idle, or waiting for SymmetricDS to rebuild triggers */
      deadline_in(&ts, (long) sds_opt_poll_ms);
      pthread_cond_timedwait(&wake, &lock, &ts);
      if (stopping)
        break;
      /* nothing new: look for changes opened by an sds_sync_schema()
         call (after_migrate) that still wait for SymmetricDS */
      if (npending == 0 && !nfollowup)
        scan= 1;
    }
    /* debounce: a migrate fires hundreds of ALTERs; wait for quiet */
    while (npending && !stopping &&
           ms_since(&last_event) < (long) sds_opt_debounce_ms)
    {
      deadline_in(&ts, (long) sds_opt_debounce_ms -
                         ms_since(&last_event) + 1);
      pthread_cond_timedwait(&wake, &lock, &ts);
    }
    if (stopping)
      break;
    if (!sds_opt_watch && !startup)
    {
      /* switched off: no follow-ups either (a DBA or a test drives
         sds_sync_schema() by hand meanwhile). Events queued before the
         switch wait for it to come back on: look again after a poll
         interval (not at once: that would spin) */
      nfollowup= 0;
      deadline_in(&ts, (long) sds_opt_poll_ms);
      pthread_cond_timedwait(&wake, &lock, &ts);
      continue;
    }
    batch= pending;
    nbatch= npending;
    pending= NULL;
    npending= cappending= 0;
    sds_stat_queue_depth= 0;
    dbs= followup;
    ndbs= nfollowup;
    followup= NULL;
    nfollowup= capfollowup= 0;
    pthread_mutex_unlock(&lock);

    /* the set of databases to sync: those with events, plus follow-ups */
    for (i= 0; i < nbatch; i++)
    {
      for (j= 0; j < ndbs && strcmp(dbs[j], batch[i].db); j++)
        ;
      if (j == ndbs)
      {
        void *p= realloc(dbs, (ndbs + 1) * sizeof(*dbs));
        if (!p)
          break;
        dbs= p;
        strcpy(dbs[ndbs++], batch[i].db);
      }
    }
    if ((m= connect_local()))
    {
      if (startup || scan)
      {
        pthread_mutex_lock(&lock);
        all_installed(m);
        for (i= 0; i < nfollowup; i++)
        {
          void *p;
          for (j= 0; j < ndbs && strcmp(dbs[j], followup[i]); j++)
            ;
          if (j < ndbs || !(p= realloc(dbs, (ndbs + 1) * sizeof(*dbs))))
            continue;
          dbs= p;
          strcpy(dbs[ndbs++], followup[i]);
        }
        nfollowup= 0;
        pthread_mutex_unlock(&lock);
      }
      for (i= 0; i < ndbs && !stopping && !SDS_SERVER_STOPPING(); i++)
      {
        int has_events= 0;
        for (j= 0; j < nbatch && !has_events; j++)
          has_events= !strcmp(batch[j].db, dbs[i]);
        if (scan && open_changes(m, dbs[i]) <= 0)
          continue;
        /* without new DDL, a full sync only when it can make progress */
        sync_db(m, dbs[i], batch, nbatch, !startup && !has_events);
      }
      mysql_close(m);
    }
    startup= 0;
    free(batch);
    free(dbs);
    pthread_mutex_lock(&lock);
  }
  pthread_mutex_unlock(&lock);
  my_thread_end();
  return NULL;
}

int sds_ddl_start(void)
{
  pthread_attr_t attr;
  int rc;
  stopping= 0;
  pthread_attr_init(&attr);
  rc= pthread_create(&worker, &attr, worker_main, NULL);
  pthread_attr_destroy(&attr);
  if (rc)
  {
    my_printf_error(ER_UNKNOWN_ERROR,
                    "frappe_sds: cannot start the worker thread (errno %d)",
                    ME_ERROR_LOG_ONLY, rc);
    return 1;
  }
  worker_running= 1;
  return 0;
}

void sds_ddl_stop(void)
{
  if (!worker_running)
    return;
  pthread_mutex_lock(&lock);
  stopping= 1;
  worker_running= 0;
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  pthread_join(worker, NULL);
  pthread_mutex_lock(&lock);
  set_copy(&db_list, NULL);
  set_copy(&user_list, NULL);
  free(pending);
  pending= NULL;
  npending= cappending= 0;
  free(followup);
  followup= NULL;
  nfollowup= capfollowup= 0;
  sds_stat_queue_depth= 0;
  pthread_mutex_unlock(&lock);
}
