/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   One site's pass, in a thread of its own: an ordinary client connection
   to the server's own Unix socket, as the DBA-provisioned account
   frappe_sds_worker_user (grants checked, binlogged, replicated, in SHOW
   PROCESSLIST, killable, max_statement_time set), which hands the site's
   events to sds__worker_event and runs CALL sds__worker_pass, one code
   path with sds_sync_schema(), and records what it did in the site's
   sds_worker row (sds__worker_record). The routines are all this file
   knows of the site: the states of a change and SymmetricDS's tables are
   the SQL's business (sql/install/30_schema_sync.sql). */
#include "sds_worker.h"
#include <mysqld_error.h>

#include <errmsg.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SDS_PASSWORD_MAX 512

/* the site whose pass this thread runs */
static __thread sds_site *cur_site;
static pthread_mutex_t ctl_lock= PTHREAD_MUTEX_INITIALIZER;

static int is_stopping(void)
{
  return sds_worker_stopping || SDS_SERVER_STOPPING();
}

/* A statement of the current site's pass begins (1) or ends (0): what the
   dispatcher's watchdog looks at. */
static void stmt_mark(int begin)
{
  if (cur_site)
    __atomic_store_n(&cur_site->stmt_at, begin ? sds_now_ms() : 0,
                     __ATOMIC_RELAXED);
}

/* KILL CONNECTION for the pass's work connection, over its ctl one. */
void sds_site_kill(sds_site *s)
{
  char q[64];
  pthread_mutex_lock(&ctl_lock);
  /* (at shutdown the server has killed every connection already) */
  if (s->ctl && s->conn_id && !SDS_SERVER_STOPPING())
  {
    snprintf(q, sizeof(q), "KILL CONNECTION %lu", s->conn_id);
    if (!mysql_real_query(s->ctl, q, (unsigned long) strlen(q)))
    {
      MYSQL_RES *r= mysql_store_result(s->ctl);
      if (r)
        mysql_free_result(r);
    }
    s->conn_id= 0;
  }
  pthread_mutex_unlock(&ctl_lock);
}

/* Run one statement; the first row of its result into v[0..nv-1]
   (numbers; -1 for NULL or a missing column). 0, or -1: an error
   (recorded for the site when `log`), or no row where nv > 0. (The SQL
   service has no mysql_next_result: a routine hands its results back in
   OUT parameters, never in result sets.) A statement the server does not
   end at max_statement_time (e.g. a loop of SLEEPs in a procedure) is
   ended by the watchdog (KILL CONNECTION): the site's pass fails here. */
static int run(sds_site *s, MYSQL *m, const sds_buf *q, long long *v,
               unsigned nv, int log)
{
  MYSQL_RES *r= NULL;
  MYSQL_ROW row;
  unsigned i;
  int rc, got= 0;
  if (is_stopping() || q->oom)
    return -1;                  /* shutting down: not one statement more */
  stmt_mark(1);
  rc= mysql_real_query(m, q->data, (unsigned long) q->len);
  stmt_mark(0);
  if (!rc && (r= mysql_store_result(m)))
  {
    if (nv && (row= mysql_fetch_row(r)))
    {
      for (i= 0; i < nv; i++)
        v[i]= i < mysql_num_fields(r) && row[i] ? strtoll(row[i], NULL, 10)
                                               : -1;
      got= 1;
    }
    mysql_free_result(r);
  }
  if (rc)
  {
    /* (a listed database without frappe_sds: nothing to serve, as when
       it does not exist) */
    if (mysql_errno(m) == ER_SP_DOES_NOT_EXIST)
      s->absent= 1;
    else if (log && !is_stopping())
      sds_worker_error(s, "sync of database %.200s failed: %u %.250s",
                       s->name, mysql_errno(m), mysql_error(m));
    return -1;
  }
  return nv && !got ? -1 : 0;
}

static void add_time(sds_buf *b, double t)
{
  if (t > 0)
    sds_buf_printf(b, "%.3f", t);
  else
    sds_buf_adds(b, "NULL");
}

/* What the worker is doing on the site, into its sds_worker row. */
static void record(sds_site *s, MYSQL *m, const char *state, double next)
{
  static const char *const kinds[]= {"'full'", "'follow_up'", "'scan'"};
  static const char *const outcomes[]= {"NULL", "'ok'", "'failed'"};
  sds_site_info i;
  sds_buf q;
  pthread_mutex_lock(&sds_worker_lock);
  i= s->info;
  pthread_mutex_unlock(&sds_worker_lock);
  sds_buf_init(&q);
  sds_buf_printf(&q, "CALL sds__worker_record('%s', %s, ", state,
                 kinds[s->kind]);
  add_time(&q, i.started);
  sds_buf_adds(&q, ", ");
  add_time(&q, i.ended);
  sds_buf_printf(&q, ", %s, ", outcomes[i.outcome]);
  if (i.error[0])
    sds_quote_literalz(&q, i.error);
  else
    sds_buf_adds(&q, "NULL");
  sds_buf_adds(&q, ", ");
  add_time(&q, i.error_at);
  sds_buf_adds(&q, ", ");
  add_time(&q, next);
  sds_buf_printf(&q, ", %llu, %llu, %llu, %llu, %llu)", i.events,
                 i.coalesced, i.overflows, i.passes, i.errors);
  run(s, m, &q, NULL, 0, 0);  /* (a site without sds_worker: nothing) */
  sds_buf_free(&q);
}

/* The site's events into its sds_schema_event, then the pass. 0 or -1. */
static int pass(sds_site *s, MYSQL *m, long long res[4])
{
  static const char *const kinds[]= {"full", "follow_up", "scan"};
  sds_buf q;
  size_t i;
  int rc= 0;
  sds_buf_init(&q);
  for (i= 0; i < s->nev && !rc; i++)
  {
    static const char *const names[]= {"create", "alter", "rename", "drop"};
    const sds_event *e= &s->ev[i];
    const char *k= e->kind == 'c' ? names[0] : e->kind == 'a' ? names[1]
                 : e->kind == 'r' ? names[2] : names[3];
    sds_buf_reset(&q);
    sds_buf_printf(&q, "CALL sds__worker_event('%s', ", k);
    sds_quote_literalz(&q, e->table);
    sds_buf_adds(&q, ", ");
    if (e->new_table[0])
      sds_quote_literalz(&q, e->new_table);
    else
      sds_buf_adds(&q, "NULL");
    sds_buf_printf(&q, ", %lld.%02ld)", (long long) e->at.tv_sec,
                   e->at.tv_nsec / 10000000L);
    if (!(rc= run(s, m, &q, NULL, 0, 1)))
      s->nwritten= i + 1;       /* (committed: the next pass finds it) */
  }
  if (!rc)
  {
    sds_buf_reset(&q);
    sds_buf_printf(&q, "CALL sds__worker_pass('%s', %.3f, @sds__w_ran, "
                   "@sds__w_reloads, @sds__w_open_before, @sds__w_open_after)",
                   kinds[s->kind], s->overflow_since);
    /* (a deadlock or a lock wait rolled the pass back whole: it fails, and
       its events are retried by the site's next pass, backed off -- not at
       once, which on Galera only adds to the conflicts) */
    rc= run(s, m, &q, NULL, 0, 1);
  }
  if (!rc)
  {
    sds_buf_reset(&q);
    sds_buf_adds(&q, "SELECT @sds__w_ran, @sds__w_reloads, "
                 "@sds__w_open_before, @sds__w_open_after");
    rc= run(s, m, &q, res, 4, 1);
  }
  sds_buf_free(&q);
  return rc;
}

/* The runtime layout (docs/topology.md): a site whose frappe_sds lives in
   a runtime database of its own, registered by the DBA in
   frappe_sds.sds_site, has its routines there; the worker's account may
   read that map (frappe_sds.sds_grant_worker). No row, or no right to read
   the map (a classic site): the site's own database. 0, or -1 when the
   runtime database cannot be made current (recorded). */
static int use_runtime_db(sds_site *s, MYSQL *m)
{
  sds_buf q;
  MYSQL_RES *r;
  MYSQL_ROW row;
  int rc= 0;
  char esc[2 * 64 + 1];
  size_t n= strlen(s->name);
  if (n > 64)
    return 0;
  sds_buf_init(&q);
  mysql_real_escape_string(m, esc, s->name, (unsigned long) n);
  sds_buf_printf(&q, "SELECT runtime_db FROM frappe_sds.sds_site "
                     "WHERE site_db = '%s'", esc);
  if (q.oom || mysql_real_query(m, q.data, (unsigned long) q.len))
    goto end;                   /* a classic site */
  if ((r= mysql_store_result(m)))
  {
    if ((row= mysql_fetch_row(r)) && row[0] && mysql_select_db(m, row[0]))
    {
      sds_worker_error(s, "cannot use the runtime database %.64s of %.200s: %.290s",
                       row[0], s->name, mysql_error(m));
      rc= -1;
    }
    mysql_free_result(r);
  }
end:
  sds_buf_free(&q);
  return rc;
}

/* A client connection to the server's own socket, as the site's worker
   account, the site as current database, statements bounded in time. */
static MYSQL *connect_site(sds_site *s)
{
  MYSQL *m= NULL;
  char pw[SDS_PASSWORD_MAX];
  unsigned int connect_to= 10, io_to;
  const char *sock= SDS_SERVER_SOCKET();
  sds_buf user, q;
  sds_buf_init(&user);
  sds_buf_init(&q);
  if (is_stopping() || sds_worker_account(s, &user))
    goto end;
  if (!sock || !*sock)
  {
    sds_worker_error(s, "the server has no Unix socket (@@socket): the "
                     "worker cannot connect");
    goto end;
  }
  if (sds_read_password(s, pw, sizeof(pw)) || !(m= mysql_init(NULL)))
    goto end;
  /* the server ends a statement at max_statement_time; what it cannot
     interrupt, the dispatcher's watchdog ends 5 s later (run()). The
     client's own timeouts (default: net_read_timeout, 30 s) must not end a
     pass before: a full pass of a big site, or under valgrind, takes
     longer */
  io_to= sds_opt_statement_timeout + 30;
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_to);
  mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io_to);
  mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io_to);
  if (!mysql_real_connect(m, "localhost", user.data, pw[0] ? pw : NULL,
                          s->name, 0, sock, CLIENT_MULTI_RESULTS))
  {
    /* a listed site not created yet (or dropped): nothing to serve */
    if (mysql_errno(m) == ER_BAD_DB_ERROR)
      s->absent= 1;
    else
      sds_worker_error(s, "cannot connect as %.100s to %.200s: %.290s",
                       user.data, s->name, mysql_error(m));
    mysql_close(m);
    m= NULL;
    goto end;
  }
  mysql_set_character_set(m, "utf8mb4");
  sds_buf_printf(&q, "SET SESSION max_statement_time = %u",
                 sds_opt_statement_timeout);
  if (mysql_real_query(m, q.data, (unsigned long) q.len))
  {
    sds_worker_error(s, "cannot set max_statement_time: %s", mysql_error(m));
    mysql_close(m);
    m= NULL;
  }
  else if (use_runtime_db(s, m))
  {
    mysql_close(m);
    m= NULL;
  }
end:
  memset(pw, 0, sizeof(pw));
  sds_buf_free(&user);
  sds_buf_free(&q);
  return m;
}

/* When the worker looks at the site again at the latest (Unix time):
   its follow-up, or the next idle scan (which backs off to at most
   SDS_IDLE_SCAN_MAX poll intervals); sooner on DDL. */
static double next_poll(const sds_site *s)
{
  double now= sds_unix_now(), next;
  pthread_mutex_lock(&sds_worker_lock);
  next= s->follow_up ? now + sds_opt_poll_ms / 1e3 : sds_worker_next_scan;
  pthread_mutex_unlock(&sds_worker_lock);
  return next > now ? next
                    : now + (double) sds_opt_poll_ms * SDS_IDLE_SCAN_MAX / 1e3;
}

/* The pass over its two connections (m: the work; ctl: its KILL). */
static void serve(sds_site *s, MYSQL *m)
{
  long long id= -1, res[4]= {0, 0, 0, 0};
  MYSQL *ctl;
  sds_buf q;
  int rc;
  sds_buf_init(&q);
  sds_buf_adds(&q, "SELECT CONNECTION_ID()");
  if (run(s, m, &q, &id, 1, 1) || id <= 0 || !(ctl= connect_site(s)))
  {
    sds_buf_free(&q);
    return;
  }
  sds_buf_free(&q);
  pthread_mutex_lock(&ctl_lock);
  s->ctl= ctl;
  s->conn_id= (unsigned long) id;
  pthread_mutex_unlock(&ctl_lock);
  /* (stopping is set before sds_ddl_stop kills: either it killed this
     connection, or this sees it) */
  if (!is_stopping())
  {
    pthread_mutex_lock(&sds_worker_lock);
    s->info.started= sds_unix_now();
    pthread_mutex_unlock(&sds_worker_lock);
    if (s->kind == SDS_PASS_FULL)   /* (a follow-up is short: no write) */
      record(s, m, "running", 0);
    rc= pass(s, m, res);
    pthread_mutex_lock(&sds_worker_lock);
    s->info.ended= sds_unix_now();
    s->info.outcome= rc ? SDS_OUT_FAILED : SDS_OUT_OK;
    /* (failed: followed up, backed off, until a pass goes through) */
    s->follow_up= rc ? !s->absent : res[3] > 0;
    if (s->kind == SDS_PASS_SCAN && res[2] > 0)
      sds_worker_scan_found_open= 1;   /* keep scanning every poll */
    if (!rc && res[0] > 0)
    {
      s->info.passes++;
      sds_stat_syncs++;
      sds_stat_reloads+= (unsigned long long) (res[1] > 0 ? res[1] : 0);
    }
    if (rc)
      sds_site_lost_events(s);  /* not handled: retried */
    else
    {
      free(s->ev);
      s->ev= NULL;
      s->nev= 0;
      s->overflow_since= 0;
      s->retry_at= 0;
    }
    pthread_mutex_unlock(&sds_worker_lock);
    /* only what changes the row: a pass that ran or failed, a new state
       (a follow-up with nothing to do, every poll interval on every
       Galera node, would write the same row over and over) */
    if (res[0] > 0 || rc || s->kind == SDS_PASS_FULL ||
        s->follow_up != s->recorded_follow_up)
    {
      s->recorded_follow_up= s->follow_up;
      record(s, m, s->follow_up ? "following_up" : "idle", next_poll(s));
    }
  }
  pthread_mutex_lock(&ctl_lock);
  s->ctl= NULL;
  s->conn_id= 0;
  pthread_mutex_unlock(&ctl_lock);
  mysql_close(ctl);
}

void *sds_site_main(void *arg)
{
  sds_site *s= arg;
  MYSQL *m;
  sds_thread_ctx tc;
  cur_site= s;
  if (sds_thread_begin(&tc))
    sds_worker_error(s, "the server cannot give the worker a THD "
                     "(create_background_thd)");
  else if ((m= connect_site(s)))
  {
    serve(s, m);
    mysql_close(m);
  }
  pthread_mutex_lock(&sds_worker_lock);
  if (s->nev || s->overflow_since)
    sds_site_lost_events(s);    /* no connection: not handled either */
  s->state= SDS_SITE_ENDED;
  pthread_cond_broadcast(&sds_worker_wake);
  pthread_mutex_unlock(&sds_worker_lock);
  sds_thread_end(&tc);
  return NULL;
}
