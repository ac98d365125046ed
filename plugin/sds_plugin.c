/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Declaration of the FRAPPE_SDS plugin: an audit plugin subscribed to
   TABLE events (the server refuses an audit plugin with an empty class
   mask; the DDL hook reacts to CREATE/ALTER/RENAME/DROP), whose presence
   the UDFs check so that they can rely on the server services bound when
   the plugin loads. */
#include "sds_compat.h"

int sds_plugin_active= 0;

static char *sds_version_var= (char *) SDS_VERSION;

static void sds_notify(MYSQL_THD thd, unsigned int event_class,
                       const void *event)
{
  const struct mysql_event_table *ev= event;
  (void) thd;
  /* every table open of every statement arrives here as LOCK: leave at
     once (the hot path) */
  if (event_class != MYSQL_AUDIT_TABLE_CLASS ||
      ev->event_subclass == MYSQL_AUDIT_TABLE_LOCK)
    return;
}

static struct st_mysql_audit sds_audit_descriptor= {
  MYSQL_AUDIT_INTERFACE_VERSION, NULL, sds_notify,
  {MYSQL_AUDIT_TABLE_CLASSMASK}
};

static struct st_mysql_show_var sds_status_vars[]= {
  {"Frappe_sds_version", (char *) &sds_version_var, SHOW_CHAR_PTR},
  {"Frappe_sds_active", (char *) &sds_plugin_active, SHOW_INT},
  {NULL, NULL, SHOW_UNDEF}
};

static int sds_plugin_init(void *p)
{
  (void) p;
  sds_plugin_active= 1;
  return 0;
}

static int sds_plugin_deinit(void *p)
{
  (void) p;
  sds_plugin_active= 0;
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
  0x0001,
  sds_status_vars,
  NULL,
  SDS_VERSION,
  MariaDB_PLUGIN_MATURITY_BETA
}
maria_declare_plugin_end;
#pragma GCC visibility pop
