/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
 * noop_audit.c -- benchmark baseline: an audit plugin that subscribes to the
 * same event class as FRAPPE_SDS (MYSQL_AUDIT_TABLE_CLASSMASK) and does
 * nothing with the events. The difference between "no plugin" and this one is
 * the server's own cost of having a table-class audit subscriber; the
 * difference between this one and FRAPPE_SDS is frappe_sds's own cost.
 * Built by CMake with -DSDS_BENCH_NOOP=ON into <build>/bench/noop_audit.so,
 * against the same server headers and services as frappe_sds.so
 * (cmake/FindMariaDBServer.cmake); bench/run.sh configures that.
 */
#include <mysql/plugin.h>
#include <mysql/plugin_audit.h>

static volatile unsigned long long noop_events;

static void noop_notify(MYSQL_THD thd, unsigned int event_class, const void *event)
{
  (void) thd;
  (void) event;
  if (event_class == MYSQL_AUDIT_TABLE_CLASS)
    noop_events++;        /* racy on purpose: no locking, as cheap as possible */
}

static struct st_mysql_audit noop_descriptor= {
  MYSQL_AUDIT_INTERFACE_VERSION, NULL, noop_notify,
  { MYSQL_AUDIT_TABLE_CLASSMASK }
};

maria_declare_plugin(noop_audit)
{
  MYSQL_AUDIT_PLUGIN,
  &noop_descriptor,
  "NOOP_AUDIT",
  "frappe_sds benchmarks",
  "Do-nothing audit plugin subscribed to table events (benchmark baseline)",
  PLUGIN_LICENSE_GPL,
  NULL,
  NULL,
  0x0100,
  NULL,
  NULL,
  "1.0",
  MariaDB_PLUGIN_MATURITY_BETA
}
maria_declare_plugin_end;
