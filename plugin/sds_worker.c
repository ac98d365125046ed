/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   The worker's dispatcher, in the plugin's own thread: it waits until the
   burst is quiet for frappe_sds_debounce_ms, then gives each site its own
   pass (sds_site.c). It re-runs (sds__sync_run(0): the open changes only)
   while changes wait for SymmetricDS, and once at startup (a full pass)
   for every listed site, which is what makes a crash between a DDL and its
   reload request harmless: sds_sync_schema compares the live columns with
   what SymmetricDS captures. */
#include "sds_worker.h"
#include <mysql/service_sql.h>
#include <mysql/service_my_print_error.h>
#include <mysqld_error.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

pthread_mutex_t lock= PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t wake= PTHREAD_COND_INITIALIZER;
static pthread_t worker;
int worker_running;
volatile int stopping;
ddl_event *pending;
size_t npending, cappending;
struct timespec last_event;
/* databases with changes still waiting for SymmetricDS */
char (*followup)[SDS_NAME_BYTES + 1];
size_t nfollowup, capfollowup;
int scan_found_open;     /* an idle scan found open changes */

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

int thread_begin(thread_ctx *c)
{
  my_thread_init();
  c->thd= NULL;
  c->save= NULL;
  if (!SDS_BACKGROUND_THD_KNOWN() || !(c->thd= sds_create_background_thd()))
    return -1;
  c->save= sds_thd_attach_thd(c->thd);
  return 0;
}

void thread_end(thread_ctx *c)
{
  if (c->thd)
  {
    sds_thd_detach_thd(c->save);
    sds_destroy_background_thd(c->thd);
  }
  my_thread_end();
}

site **sites;            /* under lock */
size_t nsites;
pthread_mutex_t ctl_lock= PTHREAD_MUTEX_INITIALIZER;

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
