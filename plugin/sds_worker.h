/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   What the audit hook (sds_hook.c, in the server's DDL threads), the
   dispatcher (sds_worker.c) and a site's pass (sds_site.c, both in the
   plugin's own threads) share: the queue of DDL events, the sites, and
   the lock that guards them. */
#ifndef SDS_WORKER_H
#define SDS_WORKER_H

#include "sds_ddl.h"
#include <mysql/service_sql.h>
#include <pthread.h>
#include <stddef.h>
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

/* Enter/leave a thread that uses the SQL service's client (see
   sds_compat.h: it needs a THD). */
typedef struct thread_ctx { MYSQL_THD thd; void *save; } thread_ctx;
int thread_begin(thread_ctx *c);
void thread_end(thread_ctx *c);

/* a list of distinct database names */
typedef struct dblist { char (*v)[SDS_NAME_BYTES + 1]; size_t n; } dblist;
void dblist_add(const char *db, void *arg);
const char *next_listed(const char **p, size_t *len);
int in_list(const char *list, const char *name, size_t n);
void for_each_listed(const char *list,
                     void (*fn)(const char *, void *), void *arg);
void set_copy(char **dst, const char *src);
void set_error(const char *fmt, const char *a, const char *b);

/* under `lock` */
extern pthread_mutex_t lock;
extern pthread_cond_t wake;
extern int worker_running;
extern volatile int stopping;
extern ddl_event *pending;
extern size_t npending, cappending;
extern struct timespec last_event;
extern char (*followup)[SDS_NAME_BYTES + 1];
extern size_t nfollowup, capfollowup;
extern int scan_found_open;
extern char *db_list, *user_list;
extern int shared_refusal_logged;
extern site **sites;
extern size_t nsites;
extern pthread_mutex_t ctl_lock;

int is_stopping(void);
long long now_ms(void);
void kill_pass(site *s);
void *site_main(void *arg);

#endif
