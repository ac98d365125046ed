/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Declaration of the FRAPPE_SDS plugin with its system and status
   variables: an audit plugin subscribed to TABLE events (the DDL hook,
   sds_hook.c; its worker: sds_worker.c, sds_site.c) whose presence the
   UDFs also check, so that they can rely on the server services bound
   when the plugin loads. */
#include "sds_compat.h"
#include "sds_ddl.h"
#include <mysql/service_thd_alloc.h>

#include <stdio.h>
#include <string.h>

int sds_plugin_active= 0;

static char *sds_version_var= (char *) SDS_VERSION;
static char *sds_last_error_ptr= sds_stat_last_error;

static struct st_mysql_audit sds_audit_descriptor= {
  MYSQL_AUDIT_INTERFACE_VERSION, NULL, sds_ddl_notify,
  {MYSQL_AUDIT_TABLE_CLASSMASK}
};

/* ---- system variables ---------------------------------------------------- */

static MYSQL_SYSVAR_BOOL(ddl_watch, sds_opt_watch, PLUGIN_VAR_OPCMDARG,
  "React to CREATE/ALTER/RENAME/DROP TABLE in the databases of "
  "frappe_sds_databases: configure, rebuild triggers and request reloads",
  NULL, NULL, 1);

static MYSQL_SYSVAR_UINT(debounce_ms, sds_opt_debounce_ms, PLUGIN_VAR_OPCMDARG,
  "Milliseconds without DDL before the worker handles a burst (a migrate "
  "runs hundreds of ALTERs)", NULL, NULL, 2000, 0, 600000, 0);

static MYSQL_SYSVAR_UINT(poll_ms, sds_opt_poll_ms, PLUGIN_VAR_OPCMDARG,
  "Milliseconds between checks while schema changes wait for SymmetricDS "
  "to rebuild triggers or process reloads", NULL, NULL, 5000, 100, 3600000, 0);

/* The two list variables are kept in static buffers (as server_audit
   does): the server's default string handling would free the old value
   while a DDL may be reading it. The check refuses what does not fit; the
   update copies under the hook's lock (sds_ddl_reload_lists). */
#define SDS_LIST_MAX 4096
static char databases_buf[SDS_LIST_MAX], ignore_users_buf[SDS_LIST_MAX];

static int check_list(MYSQL_THD thd, struct st_mysql_sys_var *var,
                      void *save, struct st_mysql_value *value)
{
  char buf[256];
  int len= (int) sizeof(buf);
  const char *str= value->val_str(value, buf, &len);
  (void) var;
  if (str && len >= SDS_LIST_MAX)
    return 1;                 /* "Variable can't be set to the value" */
  *(const char **) save= str ? thd_strmake(thd, str, (size_t) len) : NULL;
  return 0;
}

static void update_list(MYSQL_THD thd, struct st_mysql_sys_var *var,
                        void *var_ptr, const void *save)
{
  const char *v= *(const char *const *) save;
  char *buf= var_ptr == (void *) &sds_opt_databases ? databases_buf
                                                    : ignore_users_buf;
  (void) thd;
  (void) var;
  snprintf(buf, SDS_LIST_MAX, "%s", v ? v : "");
  *(char **) var_ptr= buf;
  sds_ddl_reload_lists();
}

static MYSQL_SYSVAR_STR(databases, sds_opt_databases, PLUGIN_VAR_RQCMDARG,
  "Comma-separated site databases the worker serves (the DBA's choice: "
  "the worker account needs rights on each); empty: none",
  check_list, update_list, "");

static MYSQL_SYSVAR_STR(ignore_users, sds_opt_ignore_users, PLUGIN_VAR_RQCMDARG,
  "Comma-separated user names whose DDL is ignored (e.g. SymmetricDS's own "
  "database user)", check_list, update_list, "");

static MYSQL_SYSVAR_STR(worker_user, sds_opt_worker_user,
  PLUGIN_VAR_RQCMDARG | PLUGIN_VAR_READONLY | PLUGIN_VAR_MEMALLOC,
  "Account the worker connects as, over the server's Unix socket, created "
  "by the DBA: %s is replaced by the site's database (one account per site, "
  "with rights on that site only); without %s one account for all, refused "
  "while more than one site is listed", NULL, NULL,
  "frappe_sds_worker");

static MYSQL_SYSVAR_STR(worker_password_file, sds_opt_worker_password_file,
  PLUGIN_VAR_RQCMDARG | PLUGIN_VAR_READONLY | PLUGIN_VAR_MEMALLOC,
  "File holding the worker account's password (first line), owned by the "
  "server's OS user and readable by it only; empty: no password",
  NULL, NULL, "");

static MYSQL_SYSVAR_UINT(statement_timeout, sds_opt_statement_timeout,
  PLUGIN_VAR_OPCMDARG,
  "Seconds a worker statement may run (its session's max_statement_time; "
  "the worker kills its connection a little later)",
  NULL, NULL, 300, 1, 86400, 0);

static MYSQL_SYSVAR_UINT(queue_max, sds_opt_queue_max, PLUGIN_VAR_OPCMDARG,
  "Distinct (kind, table) DDL events a site's queue holds; beyond, the "
  "site's next pass compares the signature of every table instead (logged)",
  NULL, NULL, 65536, 1, 1048576, 0);

static struct st_mysql_sys_var *sds_system_vars[]= {
  MYSQL_SYSVAR(ddl_watch),
  MYSQL_SYSVAR(debounce_ms),
  MYSQL_SYSVAR(poll_ms),
  MYSQL_SYSVAR(databases),
  MYSQL_SYSVAR(ignore_users),
  MYSQL_SYSVAR(worker_user),
  MYSQL_SYSVAR(worker_password_file),
  MYSQL_SYSVAR(statement_timeout),
  MYSQL_SYSVAR(queue_max),
  NULL
};

/* ---- status variables ---------------------------------------------------- */

static struct st_mysql_show_var sds_status_vars[]= {
  {"Frappe_sds_version", (char *) &sds_version_var, SHOW_CHAR_PTR},
  {"Frappe_sds_active", (char *) &sds_plugin_active, SHOW_INT},
  {"Frappe_sds_ddl_events", (char *) &sds_stat_events, SHOW_ULONGLONG},
  {"Frappe_sds_ddl_coalesced", (char *) &sds_stat_coalesced, SHOW_ULONGLONG},
  {"Frappe_sds_queue_depth", (char *) &sds_stat_queue_depth, SHOW_ULONG},
  {"Frappe_sds_queue_overflows", (char *) &sds_stat_overflows, SHOW_ULONGLONG},
  {"Frappe_sds_syncs", (char *) &sds_stat_syncs, SHOW_ULONGLONG},
  {"Frappe_sds_reloads_queued", (char *) &sds_stat_reloads, SHOW_ULONGLONG},
  {"Frappe_sds_errors", (char *) &sds_stat_errors, SHOW_ULONGLONG},
  {"Frappe_sds_timeouts", (char *) &sds_stat_timeouts, SHOW_ULONGLONG},
  {"Frappe_sds_last_error", (char *) &sds_last_error_ptr, SHOW_CHAR_PTR},
  {NULL, NULL, SHOW_UNDEF}
};

static int sds_plugin_init(void *p)
{
  (void) p;
  sds_ddl_reload_lists();
  sds_plugin_active= 1;
  return 0;
}

static int sds_plugin_deinit(void *p)
{
  (void) p;
  sds_plugin_active= 0;
  return 0;
}

/* The worker lives in a second, daemon plugin of the same library. The
   audit plugin is referenced by every connection that raised an event,
   the worker's own included, so at shutdown the server deinitialises it
   only in the forced pass, after InnoDB; a daemon plugin is referenced by
   no connection, so the server stops it in the first pass: stopping the
   worker there lets its statement finish before the engines go away. */
static struct st_mysql_daemon sds_worker_descriptor= {
  MYSQL_DAEMON_INTERFACE_VERSION
};

static int sds_worker_init(void *p)
{
  (void) p;
  return sds_ddl_start();
}

static int sds_worker_deinit(void *p)
{
  (void) p;
  sds_ddl_stop();
  return 0;
}

/* the declaration symbols are looked up by name: keep them visible */
#pragma GCC visibility push(default)
maria_declare_plugin(frappe_sds)
{
  MYSQL_AUDIT_PLUGIN,
  &sds_audit_descriptor,
  "FRAPPE_SDS",
  "frappe_sds authors",
  "SymmetricDS replication setup for Frappe/ERPNext site databases",
  PLUGIN_LICENSE_GPL,
  sds_plugin_init,
  sds_plugin_deinit,
  SDS_VERSION_NUM,
  sds_status_vars,
  sds_system_vars,
  SDS_VERSION,
  MariaDB_PLUGIN_MATURITY_GAMMA
},
{
  MYSQL_DAEMON_PLUGIN,
  &sds_worker_descriptor,
  "FRAPPE_SDS_WORKER",
  "frappe_sds authors",
  "frappe_sds: the worker that turns DDL into SymmetricDS configuration "
  "and reload requests",
  PLUGIN_LICENSE_GPL,
  sds_worker_init,
  sds_worker_deinit,
  SDS_VERSION_NUM,
  NULL,
  NULL,
  SDS_VERSION,
  MariaDB_PLUGIN_MATURITY_GAMMA
}
maria_declare_plugin_end;
#pragma GCC visibility pop
