/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   The worker's dispatcher, in the plugin's own thread. Each site is on its
   own clock: its DDL waits until the site is quiet for
   frappe_sds_debounce_ms (another site's DDL does not move it), then the
   site gets its own pass (sds_site.c). It re-runs (a follow-up: the open
   changes only) every frappe_sds_poll_ms while the site's changes wait for
   SymmetricDS, looks at every listed site now and then (an idle scan), and
   once at startup (a full pass), which is what makes a crash between a DDL
   and its reload request harmless: sds_sync_schema compares the live
   columns with what SymmetricDS captures. */
#include "sds_worker.h"
#include <mysql/service_my_print_error.h>
#include <mysqld_error.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

pthread_mutex_t sds_worker_lock= PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t sds_worker_wake= PTHREAD_COND_INITIALIZER;
int sds_worker_running;
volatile int sds_worker_stopping;
double sds_worker_next_scan;
int sds_worker_scan_found_open;
int sds_worker_refusal_logged;
char *sds_db_list, *sds_user_list;

static pthread_t worker;
static sds_site **sites;        /* under lock; each site lives until stop */
static size_t nsites, capsites;
static long idle_ms;            /* the idle scans' interval */
static long long next_scan_ms;

/* ---- shared helpers ------------------------------------------------------ */

long long sds_now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

double sds_unix_now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (double) t.tv_sec + t.tv_nsec / 1e9;
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

void sds_worker_error(sds_site *s, const char *fmt, ...)
{
  char msg[SDS_ERROR_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  pthread_mutex_lock(&sds_worker_lock);
  sds_stat_errors++;
  memcpy(sds_stat_last_error, msg, sizeof(msg));
  if (s)
  {
    s->info.errors++;
    memcpy(s->info.error, msg, sizeof(msg));
    s->info.error_at= sds_unix_now();
  }
  pthread_mutex_unlock(&sds_worker_lock);
  my_printf_error(ER_UNKNOWN_ERROR, "frappe_sds: %s", ME_ERROR_LOG_ONLY, msg);
}

/* frappe_sds_databases changed (under lock) */
void sds_worker_lists_changed(void)
{
  sds_worker_refusal_logged= 0;
}

int sds_thread_begin(sds_thread_ctx *c)
{
  my_thread_init();
  c->thd= NULL;
  c->save= NULL;
  if (!SDS_BACKGROUND_THD_KNOWN() || !(c->thd= sds_create_background_thd()))
    return -1;
  c->save= sds_thd_attach_thd(c->thd);
  return 0;
}

void sds_thread_end(sds_thread_ctx *c)
{
  if (c->thd)
  {
    sds_thd_detach_thd(c->save);
    sds_destroy_background_thd(c->thd);
  }
  my_thread_end();
}

/* The site of that name, created at its first use (under lock). */
sds_site *sds_site_get(const char *db, size_t len)
{
  size_t i;
  sds_site *s;
  if (!len || len > SDS_NAME_BYTES)
    return NULL;
  for (i= 0; i < nsites; i++)
    if (!memcmp(sites[i]->name, db, len) && !sites[i]->name[len])
      return sites[i];
  if (nsites == capsites)
  {
    size_t nc= capsites ? capsites * 2 : 8;
    sds_site **p= realloc(sites, nc * sizeof(*p));
    if (!p)
      return NULL;
    sites= p;
    capsites= nc;
  }
  if (!(s= calloc(1, sizeof(*s))))
    return NULL;
  memcpy(s->name, db, len);
  sites[nsites++]= s;
  return s;
}

/* ---- passes -------------------------------------------------------------- */

/* The site's pass failed, or could not start, after taking its events:
   each is retried, none distrusted -- those it recorded in
   sds_schema_event wait there for the next pass (the site is followed up,
   sds_site.c), the others go back into the site's queue; only an overflow of the queue
   (the pass's, or one now) makes the next pass distrust every signature
   change since. Retried no sooner than a backed-off scan interval, unless
   new DDL comes. A site that is not there (no database, no frappe_sds)
   drops them, as it is not served (under lock). */
void sds_site_lost_events(sds_site *s)
{
  if (!s->absent)
  {
    if (s->nwritten < s->nev)
      sds_queue_requeue(s, s->ev + s->nwritten, s->nev - s->nwritten);
    if (s->overflow_since)
      sds_queue_distrust(s, s->overflow_since);
    s->retry_at= sds_now_ms() +
                 (long long) sds_opt_poll_ms * SDS_IDLE_SCAN_MAX;
  }
  free(s->ev);
  s->ev= NULL;
  s->nev= 0;
  s->nwritten= 0;
  s->overflow_since= 0;
}

/* Start a pass of the site (under lock): it takes the site's queue. */
static void start_pass(sds_site *s, sds_pass_kind kind)
{
  if (s->state == SDS_SITE_ENDED)
  {
    pthread_mutex_unlock(&sds_worker_lock);
    pthread_join(s->th, NULL);      /* its thread has ended: at once */
    pthread_mutex_lock(&sds_worker_lock);
    s->state= SDS_SITE_IDLE;
  }
  if (s->state != SDS_SITE_IDLE)
    return;
  s->ev= s->queue.ev;
  s->nev= s->queue.n;
  s->nwritten= 0;
  s->overflow_since= s->queue.overflow_since;
  sds_stat_queue_depth-= s->queue.n;
  s->queue.ev= NULL;
  sds_queue_free(&s->queue);
  s->kind= s->nev || s->overflow_since ? SDS_PASS_FULL : kind;
  s->absent= 0;
  s->state= SDS_SITE_RUNNING;
  s->pass_start_ms= sds_now_ms();  /* follow-ups: every poll interval */
  if (pthread_create(&s->th, NULL, sds_site_main, s))
  {
    /* not lost: the site's next full pass distrusts every signature */
    s->state= SDS_SITE_IDLE;
    sds_site_lost_events(s);
  }
}

/* The watchdog (under lock): a statement of a pass that runs 5 s past
   frappe_sds_statement_timeout, i.e. one the server did not end at
   max_statement_time, has its connection killed. */
static void watchdog(void)
{
  size_t i;
  long long now= sds_now_ms(),
    limit= (long long) sds_opt_statement_timeout * 1000 + 5000;
  for (i= 0; i < nsites; i++)
  {
    sds_site *s= sites[i];
    long long at= __atomic_load_n(&s->stmt_at, __ATOMIC_RELAXED);
    if (s->state == SDS_SITE_RUNNING && at && now - at > limit)
    {
      __atomic_store_n(&s->stmt_at, 0, __ATOMIC_RELAXED);
      sds_stat_timeouts++;
      pthread_mutex_unlock(&sds_worker_lock);
      sds_worker_error(s, "a statement of the pass of %s ran past "
                       "frappe_sds_statement_timeout: its connection is "
                       "killed", s->name);
      sds_site_kill(s);
      pthread_mutex_lock(&sds_worker_lock);
    }
  }
}

/* Wait (under lock) until `until` (ms, monotonic) or a signal, in steps
   of at most 500 ms with the watchdog between them. */
static void wait_until(long long until)
{
  struct timespec ts;
  long left= (long) (until - sds_now_ms());
  if (left <= 0)
    return;
  deadline_in(&ts, left < 500 ? left : 500);
  pthread_cond_timedwait(&sds_worker_wake, &sds_worker_lock, &ts);
  watchdog();
}

/* Each listed site's due passes (under lock): its DDL once quiet for its
   own debounce, its follow-up every poll interval. The earliest time
   something is due next, in *next. */
static void dispatch_due(long long *next)
{
  size_t i;
  for (i= 0; i < nsites && !sds_worker_stopping; i++)
  {
    sds_site *s= sites[i];
    long long due, now= sds_now_ms();
    if (s->state == SDS_SITE_RUNNING ||
        !sds_list_has(sds_db_list, s->name, strlen(s->name)))
      continue;
    if (s->queue.n || s->queue.overflow_since)
    {
      due= s->last_event + (long long) sds_opt_debounce_ms;
      if (due < s->retry_at)
        due= s->retry_at;
    }
    else if (s->follow_up)
    {
      due= s->pass_start_ms + (long long) sds_opt_poll_ms;
      if (due < s->retry_at)    /* (after a failed pass: backed off) */
        due= s->retry_at;
    }
    else
      continue;
    if (due > now)
    {
      if (due < *next)
        *next= due;
      continue;
    }
    if (s->queue.n || s->queue.overflow_since)
    {
      idle_ms= (long) sds_opt_poll_ms;   /* work again: scans start over */
      start_pass(s, SDS_PASS_FULL);
    }
    else
      start_pass(s, SDS_PASS_FOLLOW_UP);
  }
}

/* A pass of every site the DBA listed (under lock): at startup a full
   one, later an idle scan (changes opened by an sds_sync_schema() call,
   e.g. after_migrate, that still wait for SymmetricDS) of the sites that
   have nothing else due. */
static void dispatch_listed(sds_pass_kind kind)
{
  const char *p= sds_db_list, *item;
  size_t len;
  while ((item= sds_list_next(&p, &len)) && !sds_worker_stopping)
  {
    sds_site *s= sds_site_get(item, len);
    if (s && (kind == SDS_PASS_FULL ||
              (!s->queue.n && !s->queue.overflow_since && !s->follow_up)))
      start_pass(s, kind);
  }
}

/* The idle scans' clock (under lock): frappe_sds_poll_ms while anything
   is or was just open, then doubled after each scan that found nothing,
   up to SDS_IDLE_SCAN_MAX poll intervals (a quiet site sees two
   connections a minute at the defaults, not 24; what it waits for -- a
   promotion, a Galera node lost mid-migrate, a client's sds_sync_schema()
   -- is found within that bound). */
static void scan_if_due(long long now)
{
  long poll= (long) sds_opt_poll_ms;
  if (now < next_scan_ms)
    return;
  if (sds_worker_scan_found_open || idle_ms < poll)
    idle_ms= poll;
  sds_worker_scan_found_open= 0;
  dispatch_listed(SDS_PASS_SCAN);
  next_scan_ms= now + idle_ms;
  idle_ms= idle_ms * 2 > poll * SDS_IDLE_SCAN_MAX ? poll * SDS_IDLE_SCAN_MAX
                                                  : idle_ms * 2;
}

/* SQL run during plugin initialisation would find the server half-built
   (UDFs are loaded after plugins): wait until it has started. */
static void wait_server_started(void)
{
  int waited= 0;
  while (!sds_worker_stopping &&
         (SDS_SERVER_STARTED_KNOWN() ? !SDS_SERVER_STARTED() : waited < 5000))
  {
    struct timespec ts;
    deadline_in(&ts, 100);
    pthread_cond_timedwait(&sds_worker_wake, &sds_worker_lock, &ts);
    waited+= 100;
  }
}

/* The dispatcher. */
static void *worker_main(void *arg)
{
  size_t i;
  sds_thread_ctx tc;
  (void) arg;
  sds_thread_begin(&tc);
  pthread_mutex_lock(&sds_worker_lock);
  wait_server_started();
  idle_ms= (long) sds_opt_poll_ms;
  dispatch_listed(SDS_PASS_FULL);
  next_scan_ms= sds_now_ms() + idle_ms;
  while (!sds_worker_stopping)
  {
    long long now= sds_now_ms(), next= next_scan_ms;
    if (!sds_opt_watch)
    {
      /* switched off: no follow-ups either (a DBA or a test drives
         sds_sync_schema() by hand meanwhile). Events queued before the
         switch wait for it to come back on: look again after a poll
         interval (not at once: that would spin) */
      for (i= 0; i < nsites; i++)
        sites[i]->follow_up= 0;
      wait_until(now + (long long) sds_opt_poll_ms);
      continue;
    }
    dispatch_due(&next);
    scan_if_due(now);
    if (next_scan_ms < next)
      next= next_scan_ms;
    sds_worker_next_scan= sds_unix_now() + (double) (next_scan_ms - now) / 1e3;
    wait_until(next);
  }
  pthread_mutex_unlock(&sds_worker_lock);
  /* stopping (UNINSTALL SONAME, shutdown): end the passes that run (a
     statement that does not return would hold the plugin's stop). Done
     here, in a thread with a THD of its own, not in the deinit's. No pass
     starts any more; the sites do not change. */
  for (i= 0; i < nsites; i++)
    sds_site_kill(sites[i]);
  sds_thread_end(&tc);
  return NULL;
}

int sds_ddl_start(void)
{
  pthread_attr_t attr;
  int rc;
  sds_worker_stopping= 0;
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
  sds_worker_running= 1;
  return 0;
}

void sds_ddl_stop(void)
{
  size_t i;
  if (!sds_worker_running)
    return;
  pthread_mutex_lock(&sds_worker_lock);
  sds_worker_stopping= 1;
  sds_worker_running= 0;
  pthread_cond_broadcast(&sds_worker_wake);
  pthread_mutex_unlock(&sds_worker_lock);
  pthread_join(worker, NULL);   /* it killed the running passes */
  /* (the hook adds no site once sds_worker_running is 0, under lock) */
  for (i= 0; i < nsites; i++)
    if (sites[i]->state != SDS_SITE_IDLE)
      pthread_join(sites[i]->th, NULL);
  pthread_mutex_lock(&sds_worker_lock);
  for (i= 0; i < nsites; i++)
  {
    sds_queue_free(&sites[i]->queue);
    free(sites[i]->ev);
    free(sites[i]);
  }
  free(sites);
  sites= NULL;
  nsites= capsites= 0;
  sds_list_copy(&sds_db_list, NULL);
  sds_list_copy(&sds_user_list, NULL);
  sds_stat_queue_depth= 0;
  pthread_mutex_unlock(&sds_worker_lock);
}
