/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   What the audit hook (sds_hook.c, in the server's DDL threads) and the
   worker (the dispatcher, sds_worker.c, and a site's pass, sds_site.c, in
   the plugin's own threads) share: the sites, each with its own queue of
   DDL events, its state and its counters, and the lock that guards them. */
#ifndef SDS_WORKER_H
#define SDS_WORKER_H

#include "sds_ddl.h"
#include <mysql/service_sql.h>
#include <pthread.h>
#include <stddef.h>
#include <time.h>
#include "../core/sds_quote.h"
#include "../core/sds_queue.h"

#define SDS_IDLE_SCAN_MAX 12      /* idle scans: at most every 12 polls */
#define SDS_ERROR_MAX 512

/* A site's queue (core/sds_queue.h) holds at most frappe_sds_queue_max
   events: beyond, its `overflow_since` is set (the Unix time of the first
   event not queued) and the site's next pass distrusts every signature
   change since then (sds__worker_pass). */

/* Where a site is (pg_cron's task states play the same part). */
typedef enum sds_site_state
{
  SDS_SITE_IDLE,                /* no pass; waits for DDL or a scan */
  SDS_SITE_RUNNING,             /* its pass runs in its thread */
  SDS_SITE_ENDED                /* its pass ended; its thread to join */
} sds_site_state;

typedef enum sds_pass_kind
{
  SDS_PASS_FULL,                /* DDL events, or the startup pass */
  SDS_PASS_FOLLOW_UP,           /* changes wait for SymmetricDS */
  SDS_PASS_SCAN                 /* idle: anything opened by a client? */
} sds_pass_kind;

typedef enum sds_outcome { SDS_OUT_NONE, SDS_OUT_OK, SDS_OUT_FAILED }
  sds_outcome;

/* What the DBA sees of a site (its row of sds_worker): under `lock`. */
typedef struct sds_site_info
{
  double started, ended;        /* Unix time of the last pass; 0: none */
  sds_outcome outcome;
  char error[SDS_ERROR_MAX];    /* the site's last error; "" none */
  double error_at;
  unsigned long long events, coalesced, overflows, passes, errors;
} sds_site_info;

/* One site: at most one pass at a time, each in a thread of its own, so
   that a slow site (a long pass, a lock wait, a procedure that does not
   return) holds up only itself. A pass uses two connections: `m` does the
   work; `ctl`, opened beside it, only ever sends KILL CONNECTION for `m`
   (a statement timed out, or the plugin stops). */
typedef struct sds_site
{
  char name[SDS_NAME_BYTES + 1];
  sds_site_state state;         /* under lock */
  sds_pass_kind kind;           /* of the running pass */
  pthread_t th;
  sds_queue queue;              /* filled by the hook, under lock */
  long long last_event;         /* ms (monotonic) of its latest DDL */
  int follow_up;                /* changes wait for SymmetricDS */
  int recorded_follow_up;       /* what the site's sds_worker row says */
  long long pass_start_ms;      /* ms (monotonic) its last pass began */
  sds_event *ev;                /* the running pass's events */
  size_t nev;
  size_t nwritten;              /* of them, recorded in sds_schema_event */
  double overflow_since;        /* of the running pass's queue; 0: none */
  int absent;                   /* the pass found no site (no database, no
                                   frappe_sds): nothing to serve */
  long long retry_at;           /* ms (monotonic): a pass that lost events
                                   is retried no sooner, unless new DDL
                                   comes; 0: none */
  sds_site_info info;
  MYSQL *ctl;                   /* under ctl_lock */
  unsigned long conn_id;        /* of m, under ctl_lock; 0: none */
  long long stmt_at;            /* ms (monotonic) its statement began; 0 */
} sds_site;

/* the worker's lock: the sites, their queues and the lists below */
extern pthread_mutex_t sds_worker_lock;
extern pthread_cond_t sds_worker_wake;
extern int sds_worker_running;
extern volatile int sds_worker_stopping;
extern double sds_worker_next_scan;   /* Unix time of the next idle scan */
extern char *sds_db_list, *sds_user_list; /* private copies of the lists */
extern int sds_worker_scan_found_open;    /* an idle scan found open changes */
extern int sds_worker_refusal_logged;     /* the shared account was refused */
void sds_worker_lists_changed(void);

/* not in the public headers of the SQL service */
my_bool my_thread_init(void);
void my_thread_end(void);

/* Enter/leave a thread that uses the SQL service's client (see
   sds_compat.h: it needs a THD). */
typedef struct sds_thread_ctx { MYSQL_THD thd; void *save; } sds_thread_ctx;
int sds_thread_begin(sds_thread_ctx *c);
void sds_thread_end(sds_thread_ctx *c);

sds_site *sds_site_get(const char *db, size_t len);  /* under lock */
/* sds_account.c: the account that serves the site, into out; its
   password. 0, or -1 (the error recorded for the site). */
int sds_worker_account(sds_site *s, sds_buf *out);
int sds_read_password(sds_site *s, char *pw, size_t pwsz);
/* The queue of the site lost events (a full queue, a pass that failed
   after taking them) from time t on: distrust (under lock). */
void sds_queue_distrust(sds_site *s, double t);
/* The events a failed pass did not record, back into the site's queue. */
void sds_queue_requeue(sds_site *s, const sds_event *ev, size_t n);
void sds_site_lost_events(sds_site *s);
/* Record an error in the log and Frappe_sds_last_error (and the site's
   own row when s is not NULL). */
void sds_worker_error(sds_site *s, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
long long sds_now_ms(void);
double sds_unix_now(void);

/* the site's pass (sds_site.c), in its thread */
void *sds_site_main(void *arg);
void sds_site_kill(sds_site *s);

/* comma-separated lists (sds_list.c) */
const char *sds_list_next(const char **p, size_t *len);
int sds_list_has(const char *list, const char *name, size_t n);
size_t sds_list_count(const char *list);
void sds_list_copy(char **dst, const char *src);

#endif
