/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   The DDL hook (audit TABLE events) and its worker, as the plugin's
   declaration (sds_plugin.c) sees them: settings, counters, entry points.
   What the hook and the worker share among themselves: sds_worker.h. */
#ifndef SDS_DDL_H
#define SDS_DDL_H

#include "sds_compat.h"

/* settings (system variables, owned by sds_plugin.c) */
extern char sds_opt_watch;                 /* frappe_sds_ddl_watch */
extern unsigned int sds_opt_debounce_ms;   /* frappe_sds_debounce_ms */
extern unsigned int sds_opt_poll_ms;       /* frappe_sds_poll_ms */
extern char *sds_opt_databases;            /* frappe_sds_databases */
extern char *sds_opt_ignore_users;         /* frappe_sds_ignore_users */
extern char *sds_opt_worker_user;          /* frappe_sds_worker_user */
extern char *sds_opt_worker_password_file; /* frappe_sds_worker_password_file */
extern unsigned int sds_opt_statement_timeout; /* frappe_sds_statement_timeout */
extern unsigned int sds_opt_queue_max;     /* frappe_sds_queue_max */

/* counters (status variables) */
extern unsigned long long sds_stat_events, sds_stat_coalesced,
  sds_stat_syncs, sds_stat_reloads, sds_stat_errors, sds_stat_timeouts,
  sds_stat_overflows;
extern unsigned long sds_stat_queue_depth;
extern char sds_stat_last_error[512];

void sds_ddl_notify(MYSQL_THD thd, unsigned int event_class,
                    const void *event);
int sds_ddl_start(void);
void sds_ddl_stop(void);
/* frappe_sds_databases or frappe_sds_ignore_users changed: copy them */
void sds_ddl_reload_lists(void);

#endif
