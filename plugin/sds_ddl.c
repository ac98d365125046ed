/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   DDL hook and worker. The audit callback runs inside the DDL statement's
   thread, for every table the statement opens: it leaves at once for the
   per-table-open LOCK events, and for CREATE/ALTER/RENAME/DROP of a
   database the DBA listed in frappe_sds_databases (not applied from a
   replication or Galera applier) it only records (database, table) in a
   coalescing set and wakes the worker. The worker's dispatcher waits until
   the burst is quiet for frappe_sds_debounce_ms, then gives each site its
   own pass, run by a thread of that site over an ordinary client
   connection to the server's own Unix socket, as the DBA-provisioned
   account frappe_sds_worker_user (grants checked, binlogged, replicated,
   in SHOW PROCESSLIST, killable, max_statement_time set): it writes the
   events into sds_schema_event and runs CALL sds__sync_run(1), one code
   path with sds_sync_schema(). It re-runs (sds__sync_run(0): the open
   changes only) while changes wait for SymmetricDS, and once at startup (a
   full pass) for every listed site, which is what makes a crash between a
   DDL and its reload request harmless: sds_sync_schema compares the live
   columns with what SymmetricDS captures. */
#include "sds_ddl.h"
#include <mysql/service_sql.h>
#include <mysql/service_my_print_error.h>
#include <mysqld_error.h>

#include <errmsg.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* not in the public headers of the SQL service */
my_bool my_thread_init(void);
void my_thread_end(void);

#define SDS_NAME_MAX 64           /* characters, as the server counts them */
#define SDS_NAME_BYTES (4 * SDS_NAME_MAX) /* the same in UTF-8 bytes */
#define SDS_MAX_PENDING 100000   /* distinct tables; beyond: sync the db */
#define SDS_IDLE_SCAN_MAX 12      /* idle scans: at most every 12 polls */

typedef struct ddl_event
{
  char kind;                    /* c, a, r, d */
  char db[SDS_NAME_BYTES + 1];
  char table[SDS_NAME_BYTES + 1];
  char new_table[SDS_NAME_BYTES + 1];
  struct timespec at;           /* wall clock of the latest such DDL */
} ddl_event;

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

static pthread_mutex_t lock= PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake= PTHREAD_COND_INITIALIZER;
static pthread_t worker;
static int worker_running;
static volatile int stopping;
static ddl_event *pending;
static size_t npending, cappending;
static struct timespec last_event;
/* databases with changes still waiting for SymmetricDS */
static char (*followup)[SDS_NAME_BYTES + 1];
static size_t nfollowup, capfollowup;
static int scan_found_open;     /* an idle scan found open changes */

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

/* The next item of a comma-separated list at *p (spaces around items
   ignored): its start, length in *len; NULL at the end. */
static const char *next_listed(const char **p, size_t *len)
{
  const char *b= *p, *e;
  if (!b)
    return NULL;
  while (*b == ' ' || *b == ',')
    b++;
  if (!*b)
    return NULL;
  for (e= b; *e && *e != ','; e++)
    ;
  *p= e;
  for (*len= (size_t) (e - b); *len && b[*len - 1] == ' '; --*len)
    ;
  return b;
}

/* name in a comma-separated list */
static int in_list(const char *list, const char *name, size_t n)
{
  const char *item;
  size_t len;
  while ((item= next_listed(&list, &len)))
    if (len == n && memcmp(item, name, n) == 0)
      return 1;
  return 0;
}

/* each name of the comma-separated list, trimmed, to fn */
static void for_each_listed(const char *list,
                            void (*fn)(const char *, void *), void *arg)
{
  const char *item;
  char name[SDS_NAME_BYTES + 1];
  size_t len;
  while ((item= next_listed(&list, &len)))
    if (len && len <= SDS_NAME_BYTES)
    {
      memcpy(name, item, len);
      name[len]= '\0';
      fn(name, arg);
    }
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

/* Private copies of frappe_sds_databases / frappe_sds_ignore_users: the
   server may free the variables' strings on SET GLOBAL while a DDL reads
   them, so the hook reads these copies under `lock` instead. */
static char *db_list, *user_list;
static int shared_refusal_logged;   /* worker_account(), under lock */

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
  shared_refusal_logged= 0;
  pthread_mutex_unlock(&lock);
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

/* Enter/leave a thread that uses the SQL service's client (see
   sds_compat.h: it needs a THD). */
typedef struct thread_ctx { MYSQL_THD thd; void *save; } thread_ctx;

static int thread_begin(thread_ctx *c)
{
  my_thread_init();
  c->thd= NULL;
  c->save= NULL;
  if (!SDS_BACKGROUND_THD_KNOWN() || !(c->thd= sds_create_background_thd()))
    return -1;
  c->save= sds_thd_attach_thd(c->thd);
  return 0;
}

static void thread_end(thread_ctx *c)
{
  if (c->thd)
  {
    sds_thd_detach_thd(c->save);
    sds_destroy_background_thd(c->thd);
  }
  my_thread_end();
}

/* One site: at most one pass at a time, each in a thread of its own, so
   that a slow site (a long pass, a lock wait, a procedure that does not
   return) holds up only itself. A pass uses two connections: `m` does the
   work; `ctl`, opened beside it, only ever sends KILL CONNECTION for `m`
   (a statement timed out, or the plugin stops). */
typedef struct site
{
  char name[SDS_NAME_BYTES + 1];
  pthread_t th;
  int th_live;                  /* a thread to join */
  int busy;                     /* its pass runs */
  int startup, has_events, scan;/* what the pass is for */
  ddl_event *ev;                /* the pass's events */
  size_t nev;
  ddl_event *held;              /* events that came while busy */
  size_t nheld;
  MYSQL *ctl;                   /* under ctl_lock */
  unsigned long conn_id;        /* of m, under ctl_lock; 0: none */
  long long stmt_at;            /* ms (monotonic) its statement began; 0 */
} site;

/* the site whose pass this thread runs */
static __thread site *cur_site;

static long long now_ms(void)
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

static site **sites;            /* under lock */
static size_t nsites;
static pthread_mutex_t ctl_lock= PTHREAD_MUTEX_INITIALIZER;

static int is_stopping(void)
{
  return stopping || SDS_SERVER_STOPPING();
}

/* KILL CONNECTION for the pass's work connection, over its ctl one. */
static void kill_pass(site *s)
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

/* a list of distinct database names */
typedef struct dblist { char (*v)[SDS_NAME_BYTES + 1]; size_t n; } dblist;

static void dblist_add(const char *db, void *arg)
{
  dblist *l= arg;
  size_t i;
  void *p;
  for (i= 0; i < l->n; i++)
    if (!strcmp(l->v[i], db))
      return;
  if (!(p= realloc(l->v, (l->n + 1) * sizeof(*l->v))))
    return;
  l->v= p;
  strcpy(l->v[l->n++], db);
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

static void *site_main(void *arg)
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

/* The site of that name (created), under lock. */
static site *site_get(const char *db)
{
  size_t i;
  site *s, **p;
  for (i= 0; i < nsites; i++)
    if (!strcmp(sites[i]->name, db))
      return sites[i];
  if (!(s= calloc(1, sizeof(*s))) ||
      !(p= realloc(sites, (nsites + 1) * sizeof(*p))))
  {
    free(s);
    return NULL;
  }
  strcpy(s->name, db);
  sites= p;
  sites[nsites++]= s;
  return s;
}

/* Start the pass of site db (under lock): its events from batch. A site
   whose pass still runs keeps the events for later (held). */
static void start_pass(const char *db, const ddl_event *batch, size_t nbatch,
                       int startup, int scan)
{
  site *s= site_get(db);
  size_t i, n= 0;
  ddl_event **dst;
  size_t *ndst;
  if (!s)
    return;
  dst= s->busy ? &s->held : &s->ev;
  ndst= s->busy ? &s->nheld : &s->nev;
  for (i= 0; i < nbatch; i++)
    n+= !strcmp(batch[i].db, db);
  if (n)
  {
    ddl_event *p= realloc(*dst, (*ndst + n) * sizeof(*p));
    if (!p)
      return;               /* the next full pass finds it (drift) */
    *dst= p;
    for (i= 0; i < nbatch; i++)
      if (!strcmp(batch[i].db, db))
        p[(*ndst)++]= batch[i];
  }
  if (s->busy)
    return;                 /* it follows up itself if changes stay open */
  if (s->th_live)
  {
    pthread_t t= s->th;
    s->th_live= 0;
    pthread_mutex_unlock(&lock);
    pthread_join(t, NULL);  /* finished (not busy): at once */
    pthread_mutex_lock(&lock);
  }
  s->startup= startup;
  s->scan= scan && !n;
  s->has_events= n > 0;
  s->busy= 1;
  if (pthread_create(&s->th, NULL, site_main, s))
  {
    s->busy= 0;
    free(s->ev);
    s->ev= NULL;
    s->nev= 0;
    return;
  }
  s->th_live= 1;
}

/* The watchdog (dispatcher, under lock): a statement of a pass that runs
   5 s past frappe_sds_statement_timeout, i.e. one the server did not end
   at max_statement_time, has its connection killed. */
static void watchdog(void)
{
  size_t i;
  long long now= now_ms(),
    limit= (long long) sds_opt_statement_timeout * 1000 + 5000;
  for (i= 0; i < nsites; i++)
  {
    site *s= sites[i];
    long long at= __atomic_load_n(&s->stmt_at, __ATOMIC_RELAXED);
    if (s->busy && at && now - at > limit)
    {
      __atomic_store_n(&s->stmt_at, 0, __ATOMIC_RELAXED);
      sds_stat_timeouts++;
      pthread_mutex_unlock(&lock);
      set_error("a statement of the pass of %s ran past "
                "frappe_sds_statement_timeout: its connection is killed%s",
                s->name, NULL);
      kill_pass(s);
      pthread_mutex_lock(&lock);
    }
  }
}

/* Wait on `wake` (under lock) for at most ms, in steps of at most 500 ms
   with the watchdog between them; returns early on a signal when
   `until_signal`. */
static void wait_ms(long ms, int until_signal)
{
  struct timespec t0, ts;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  while (!stopping)
  {
    long left= ms - ms_since(&t0);
    int rc;
    if (left <= 0)
      break;
    deadline_in(&ts, left < 500 ? left : 500);
    rc= pthread_cond_timedwait(&wake, &lock, &ts);
    watchdog();
    if (rc != ETIMEDOUT && until_signal)
      break;
  }
}

/* The dispatcher: debounce, then one pass per site. */
static void *worker_main(void *arg)
{
  int startup= 1, scan;
  long idle_ms= (long) sds_opt_poll_ms;
  size_t i;
  thread_ctx tc;
  (void) arg;
  thread_begin(&tc);
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
    size_t nbatch;
    dblist dbs= {NULL, 0};

    scan= 0;
    /* the idle scan's interval: frappe_sds_poll_ms while anything is or
       was just open, then doubled after each scan that found nothing, up
       to SDS_IDLE_SCAN_MAX poll intervals (a quiet site sees two
       connections a minute at the defaults, not 24; what it waits for --
       a promotion, a Galera node lost mid-migrate, a client's
       sds_sync_schema() -- is found within that bound) */
    if (scan_found_open || idle_ms < (long) sds_opt_poll_ms)
      idle_ms= sds_opt_poll_ms;
    scan_found_open= 0;
    if (!startup && npending == 0)
    {
      /* idle, or waiting for SymmetricDS to rebuild triggers: until new
         DDL, or the poll interval when a site has follow-ups or open
         changes (a site's pass ending wakes this and may have added
         them), else the idle scan's interval */
      struct timespec t0;
      clock_gettime(CLOCK_MONOTONIC, &t0);
      for (;;)
      {
        long wait= nfollowup || scan_found_open ? (long) sds_opt_poll_ms
                                                : idle_ms;
        if (stopping || npending || ms_since(&t0) >= wait)
          break;
        wait_ms(wait - ms_since(&t0), 1);
      }
      if (stopping)
        break;
      /* nothing new: look for changes opened by an sds_sync_schema()
         call (after_migrate) that still wait for SymmetricDS */
      if (npending == 0 && !nfollowup)
      {
        scan= 1;
        idle_ms= idle_ms * 2 > (long) sds_opt_poll_ms * SDS_IDLE_SCAN_MAX
                 ? (long) sds_opt_poll_ms * SDS_IDLE_SCAN_MAX : idle_ms * 2;
      }
    }
    /* debounce: a migrate fires hundreds of ALTERs; wait for quiet */
    while (npending && !stopping &&
           ms_since(&last_event) < (long) sds_opt_debounce_ms)
      wait_ms((long) sds_opt_debounce_ms - ms_since(&last_event) + 1, 0);
    if (stopping)
      break;
    if (!sds_opt_watch && !startup)
    {
      /* switched off: no follow-ups either (a DBA or a test drives
         sds_sync_schema() by hand meanwhile). Events queued before the
         switch wait for it to come back on: look again after a poll
         interval (not at once: that would spin) */
      nfollowup= 0;
      wait_ms((long) sds_opt_poll_ms, 1);
      continue;
    }
    batch= pending;
    nbatch= npending;
    pending= NULL;
    npending= cappending= 0;
    sds_stat_queue_depth= 0;
    /* the sites to sync: those with events, follow-ups, and at startup
       or in an idle scan every site the DBA listed */
    for (i= 0; i < nbatch; i++)
      dblist_add(batch[i].db, &dbs);
    for (i= 0; i < nfollowup; i++)
      dblist_add(followup[i], &dbs);
    if (nbatch || nfollowup)
      idle_ms= sds_opt_poll_ms;     /* work again: scans start over */
    nfollowup= 0;
    if (startup || scan)
      for_each_listed(db_list, dblist_add, &dbs);
    for (i= 0; i < dbs.n && !stopping; i++)
      /* (a site the DBA has removed from the list since is served no more) */
      if (db_list && in_list(db_list, dbs.v[i], strlen(dbs.v[i])))
        start_pass(dbs.v[i], batch, nbatch, startup, scan);
    startup= 0;
    free(batch);
    free(dbs.v);
  }
  pthread_mutex_unlock(&lock);
  /* stopping (UNINSTALL SONAME, shutdown): end the passes that run (a
     statement that does not return would hold the plugin's stop). Done
     here, in a thread with a THD of its own, not in the deinit's. No pass
     starts any more; the sites do not change. */
  for (i= 0; i < nsites; i++)
    kill_pass(sites[i]);
  thread_end(&tc);
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
  size_t i;
  if (!worker_running)
    return;
  pthread_mutex_lock(&lock);
  stopping= 1;
  worker_running= 0;
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  pthread_join(worker, NULL);   /* it killed the running passes */
  for (i= 0; i < nsites; i++)
    if (sites[i]->th_live)
      pthread_join(sites[i]->th, NULL);
  pthread_mutex_lock(&lock);
  for (i= 0; i < nsites; i++)
  {
    free(sites[i]->ev);
    free(sites[i]->held);
    free(sites[i]);
  }
  free(sites);
  sites= NULL;
  nsites= 0;
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
