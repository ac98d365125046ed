/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   One site's pass, in a thread of its own: an ordinary client connection
   to the server's own Unix socket, as the DBA-provisioned account
   frappe_sds_worker_user (grants checked, binlogged, replicated, in SHOW
   PROCESSLIST, killable, max_statement_time set), which writes the site's
   events into sds_schema_event and runs CALL sds__sync_run(1), one code
   path with sds_sync_schema(). */
#include "sds_worker.h"
#include <mysql/service_sql.h>
#include <mysqld_error.h>

#include <errmsg.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the site whose pass this thread runs */
static __thread site *cur_site;

long long now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A statement of the current site's pass begins (1) or ends (0): what the
   dispatcher's watchdog looks at. */
static void stmt_mark(int begin)
{
  if (cur_site)
    __atomic_store_n(&cur_site->stmt_at, begin ? now_ms() : 0,
                     __ATOMIC_RELAXED);
}

int is_stopping(void)
{
  return stopping || SDS_SERVER_STOPPING();
}

/* KILL CONNECTION for the pass's work connection, over its ctl one. */
void kill_pass(site *s)
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

/* Run one statement; store and free any result. 0 or -1 (logged). A
   statement the server does not end at max_statement_time (e.g. a loop of
   SLEEPs in a procedure) is ended by the watchdog (KILL CONNECTION): the
   site's pass fails here and ends. */
static int run(site *s, MYSQL *m, const char *q, size_t len)
{
  MYSQL_RES *r;
  int rc;
  if (is_stopping())
    return -1;                  /* shutting down: not one statement more */
  stmt_mark(1);
  rc= mysql_real_query(m, q, (unsigned long) len);
  stmt_mark(0);
  if (rc)
  {
    unsigned int err= mysql_errno(m);
    char what[1200];
    if (is_stopping())
      return -1;
    snprintf(what, sizeof(what), "%.200s failed: %u %.900s", s->name, err,
             mysql_error(m));
    set_error("sync of database %s%s", what, NULL);
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
  int rc;
  if (is_stopping())
    return -1;
  stmt_mark(1);
  rc= mysql_real_query(m, q, (unsigned long) strlen(q));
  stmt_mark(0);
  if (rc || !(r= mysql_store_result(m)))
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

#define QID (2 * SDS_NAME_BYTES + 3)

/* sds_setup run in the site (the connection's current database): a site
   installed but not set up has nothing to keep in sync yet; a listed
   database without frappe_sds has no such table */
static int db_configured(MYSQL *m)
{
  return query_number(m, "SELECT COUNT(*) FROM sds_setup_state") > 0;
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

/* Changes of the site still waiting for SymmetricDS, and DDL events
   written but not handled (a pass that failed after writing them: the
   next idle scan retries). */
static long long open_changes(MYSQL *m)
{
  if (!db_configured(m))
    return 0;
  return query_number(m, "SELECT (SELECT COUNT(*) FROM sds_schema_change "
                         "WHERE state IN ('pending', 'trigger_refresh', "
                         "'reload_requested')) + (SELECT COUNT(*) FROM "
                         "sds_schema_event)");
}

/* Whether a sync of the site without new events could move anything. A
   change waiting for SymmetricDS's trigger rebuild always could: only the
   pass itself can tell (it compares the live columns with the active
   sym_trigger_hist, whatever its create_time: SymmetricDS stamps it when
   the build starts and commits it later, possibly before this worker's
   first pass opened the change). Events left by a failed pass: always
   (sds__sync_run makes it a full pass). Waiting for reloads is cheap to
   check: the pass moves such a change only once none of its requests is
   left unprocessed. */
static int something_to_do(MYSQL *m)
{
  return query_number(m,
           "SELECT (SELECT COUNT(*) FROM sds_schema_event) + "
           "(SELECT COUNT(*) FROM sds_schema_change WHERE state IN "
           "('pending', 'trigger_refresh')) + (SELECT COUNT(*) FROM "
           "sds_schema_change c WHERE c.state = 'reload_requested' AND NOT "
           "EXISTS (SELECT 1 FROM sym_table_reload_request q WHERE "
           "q.trigger_id = c.trigger_id AND q.create_time = c.reload_time AND "
           "q.processed = 0))") != 0;
}

/* A server that applies replicated changes (read_only, or a running
   replica) runs no pass that writes: the primary's passes reach it. */
static int is_replica(MYSQL *m)
{
  return query_number(m,
           "SELECT @@global.read_only OR IFNULL((SELECT variable_value = 'ON' "
           "FROM information_schema.global_status WHERE variable_name = "
           "'SLAVE_RUNNING'), 0)") != 0;
}

/* Write the events of the site into its sds_schema_event and run the
   sync. */
static void sync_db(site *s, MYSQL *m, int only_if_needed)
{
  char qdb[QID], q[2048];
  size_t i;
  long long nopen, reloads;
  if (!db_configured(m))
    return;
  if (only_if_needed && !something_to_do(m))
  {
    pthread_mutex_lock(&lock);
    add_followup(s->name);      /* still waiting: look again later */
    pthread_mutex_unlock(&lock);
    return;
  }
  quote_ident(qdb, sizeof(qdb), s->name);
  for (i= 0; i < s->nev; i++)
  {
    char t[QID], nt[QID];
    static const char *const kinds[]= {"create", "alter", "rename", "drop"};
    const ddl_event *e= &s->ev[i];
    const char *k= e->kind == 'c' ? kinds[0] : e->kind == 'a' ? kinds[1]
                 : e->kind == 'r' ? kinds[2] : kinds[3];
    quote_string(m, t, sizeof(t), e->table);
    if (e->new_table[0])
      quote_string(m, nt, sizeof(nt), e->new_table);
    else
      strcpy(nt, "NULL");
    snprintf(q, sizeof(q),
             "INSERT INTO %s.sds_schema_event (kind, table_name, "
             "new_table_name, seen_at) VALUES ('%s', %s, %s, "
             "FROM_UNIXTIME(%lld.%02ld))",
             qdb, k, t, nt, (long long) e->at.tv_sec,
             e->at.tv_nsec / 10000000L);
    if (run(s, m, q, strlen(q)))
      return;
  }
  /* a follow-up (no new DDL) only moves the open changes on */
  snprintf(q, sizeof(q), "CALL %s.sds__sync_run(%d)", qdb,
           only_if_needed ? 0 : 1);
  if (run(s, m, q, strlen(q)))
    return;
  reloads= query_number(m, "SELECT @sds_sync_reloads");
  nopen= open_changes(m);
  pthread_mutex_lock(&lock);
  sds_stat_syncs++;
  if (reloads > 0)
    sds_stat_reloads+= (unsigned long long) reloads;
  if (nopen > 0)
    add_followup(s->name);
  pthread_mutex_unlock(&lock);
}

/* The worker account's password: the first line of
   frappe_sds_worker_password_file, which only the server's OS user may
   read (refused otherwise). No file: no password. 0, or -1 (logged). */
static int read_password(char *pw, size_t pwsz)
{
  const char *path= sds_opt_worker_password_file;
  struct stat st;
  ssize_t n;
  int fd;
  pw[0]= '\0';
  if (!path || !*path)
    return 0;
  if ((fd= open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
  {
    set_error("cannot open frappe_sds_worker_password_file %s: %s", path,
              strerror(errno));
    return -1;
  }
  if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (st.st_mode & 077) ||
      st.st_uid != geteuid())
  {
    close(fd);
    set_error("frappe_sds_worker_password_file %s must be a regular file "
              "owned by the server's user and readable by it only "
              "(chmod 600)%s", path, NULL);
    return -1;
  }
  n= read(fd, pw, pwsz - 1);
  close(fd);
  if (n < 0)
    n= 0;
  pw[n]= '\0';
  pw[strcspn(pw, "\r\n")]= '\0';
  return 0;
}

/* The account that serves site db: frappe_sds_worker_user with its "%s"
   replaced by the database name (one account per site, each with rights
   on its own site only), or frappe_sds_worker_user itself when it has no
   "%s" -- refused while frappe_sds_databases lists more than one site:
   the code a served site's user can put in its sds__sync_run would run
   with rights on the other sites. 0, or -1 (error set). */
static int worker_account(const char *db, char *out, size_t outsz)
{
  const char *t= sds_opt_worker_user, *ph;
  dblist l= {NULL, 0};
  size_t chars= 0, i;
  int logged;
  if (!t || !*t)
  {
    set_error("frappe_sds_worker_user is not set: no site is served%s%s",
              NULL, NULL);
    return -1;
  }
  if ((ph= strstr(t, "%s")))
  {
    if (strstr(ph + 2, "%s") ||
        (size_t) snprintf(out, outsz, "%.*s%s%s", (int) (ph - t), t, db,
                          ph + 2) >= outsz)
      goto bad;
    for (i= 0; out[i]; i++)
      chars+= ((unsigned char) out[i] & 0xC0) != 0x80;
    if (chars > 128)                /* the server's limit on user names */
      goto bad;
    return 0;
  }
  pthread_mutex_lock(&lock);
  for_each_listed(db_list, dblist_add, &l);
  logged= shared_refusal_logged;
  shared_refusal_logged= l.n > 1;
  pthread_mutex_unlock(&lock);
  free(l.v);
  if (l.n > 1)
  {
    if (!logged)          /* once per setting, not at every poll */
      set_error("frappe_sds_worker_user %s would serve every site of "
              "frappe_sds_databases as one account (a site's own code would "
              "run with rights on the others): nothing is served; create one "
              "account per site and set frappe_sds_worker_user to a name with "
              "%%s for the database, e.g. %s_%%s", t, t);
    return -1;
  }
  if (strlen(t) >= outsz)
    goto bad;
  strcpy(out, t);
  return 0;
bad:
  set_error("frappe_sds_worker_user %s: at most one %%s, and a user name "
            "of at most 128 characters for database %s", t, db);
  return -1;
}

/* A client connection to the server's own socket, as the site's worker
   account, the site as current database, statements bounded in time. */
static MYSQL *connect_site(const char *db)
{
  MYSQL *m;
  char pw[512], q[128], user[600];
  unsigned int connect_to= 10, io_to;
  const char *sock= SDS_SERVER_SOCKET();
  if (is_stopping())
    return NULL;
  if (worker_account(db, user, sizeof(user)))
    return NULL;
  if (!sock || !*sock)
  {
    set_error("the server has no Unix socket (@@socket): the worker cannot "
              "connect%s%s", NULL, NULL);
    return NULL;
  }
  if (read_password(pw, sizeof(pw)))
    return NULL;
  if (!(m= mysql_init(NULL)))
    return NULL;
  /* the server ends a statement at max_statement_time; what it cannot
     interrupt, the dispatcher's watchdog ends 5 s later (run()). The
     client's own timeouts (default: net_read_timeout, 30 s) must not end a
     pass before: a full pass of a big site, or under valgrind, takes
     longer */
  io_to= sds_opt_statement_timeout + 30;
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_to);
  mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io_to);
  mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io_to);
  if (!mysql_real_connect(m, "localhost", user, pw[0] ? pw : NULL, db, 0,
                          sock, CLIENT_MULTI_RESULTS))
  {
    char what[600];
    memset(pw, 0, sizeof(pw));
    if (mysql_errno(m) == ER_BAD_DB_ERROR)
    {
      /* a listed site not created yet (or dropped): nothing to serve */
      mysql_close(m);
      return NULL;
    }
    snprintf(what, sizeof(what), "%.100s to %.200s: %.290s", user, db,
             mysql_error(m));
    set_error("cannot connect as %s%s", what, NULL);
    mysql_close(m);
    return NULL;
  }
  memset(pw, 0, sizeof(pw));
  mysql_set_character_set(m, "utf8mb4");
  snprintf(q, sizeof(q), "SET SESSION max_statement_time = %u",
           sds_opt_statement_timeout);
  if (mysql_real_query(m, q, (unsigned long) strlen(q)))
  {
    set_error("cannot set max_statement_time: %s%s", mysql_error(m), NULL);
    mysql_close(m);
    return NULL;
  }
  return m;
}

void *site_main(void *arg)
{
  site *s= arg;
  MYSQL *m, *ctl= NULL;
  long long id;
  size_t i;
  thread_ctx tc;
  cur_site= s;
  if (thread_begin(&tc))
  {
    set_error("the server cannot give the worker a THD (create_background_thd)"
              "%s%s", NULL, NULL);
    goto done;
  }
  if (!(m= connect_site(s->name)))
    goto done;
  if ((id= query_number(m, "SELECT CONNECTION_ID()")) <= 0 ||
      !(ctl= connect_site(s->name)))
  {
    mysql_close(m);
    goto done;
  }
  pthread_mutex_lock(&ctl_lock);
  s->ctl= ctl;
  s->conn_id= (unsigned long) id;
  pthread_mutex_unlock(&ctl_lock);
  /* (stopping is set before sds_ddl_stop kills: either it killed this
     connection, or this sees it) */
  if (!is_stopping() && !is_replica(m))
  {
    if (s->scan)
    {
      if (open_changes(m) > 0)
      {
        pthread_mutex_lock(&lock);
        scan_found_open= 1;         /* keep scanning every poll interval */
        pthread_mutex_unlock(&lock);
        /* without new DDL, a full sync only when it can make progress */
        sync_db(s, m, 1);
      }
    }
    else
      sync_db(s, m, !s->startup && !s->has_events);
  }
  pthread_mutex_lock(&ctl_lock);
  s->ctl= NULL;
  s->conn_id= 0;
  pthread_mutex_unlock(&ctl_lock);
  mysql_close(ctl);
  mysql_close(m);
done:
  free(s->ev);
  s->ev= NULL;
  s->nev= 0;
  pthread_mutex_lock(&lock);
  s->busy= 0;
  /* events that came during the pass: the dispatcher's turn (their
     debounce is over: last_event is not moved) */
  for (i= 0; i < s->nheld && !stopping; i++)
  {
    if (npending == cappending)
    {
      size_t nc= cappending ? cappending * 2 : 64;
      ddl_event *p= realloc(pending, nc * sizeof(*p));
      if (!p)
        break;
      pending= p;
      cappending= nc;
    }
    pending[npending++]= s->held[i];
  }
  sds_stat_queue_depth= npending;
  free(s->held);
  s->held= NULL;
  s->nheld= 0;
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  thread_end(&tc);
  return NULL;
}

