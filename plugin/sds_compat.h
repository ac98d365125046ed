/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   The one place for server-version differences and server headers.
   Everything in plugin/ and udf/ includes this instead of server headers. */
#ifndef SDS_COMPAT_H
#define SDS_COMPAT_H

#include <stddef.h>
#include <mysql/plugin.h>
#include <mysql/plugin_audit.h>
#include <mysql_com.h>          /* UDF_INIT, UDF_ARGS */
#include <mysql_version.h>

#if MYSQL_VERSION_ID < 101100
#error "frappe_sds needs MariaDB 10.11 or newer"
#endif

/* The library version comes from the build: CMakeLists.txt's project()
   version, the one source shared with the SQL API and the package. */
#ifndef SDS_VERSION
#error "SDS_VERSION is defined by CMakeLists.txt (project version)"
#endif

/* Exported from the shared library: plugin declaration and UDF entry
   points only (everything else is hidden, see CMakeLists.txt). */
#define SDS_EXPORT __attribute__((visibility("default")))

/* Whether the server has finished starting (UDFs loaded, accepting
   connections). Not part of the plugin API: mariadbd exports the variable
   and we read it weakly, so a server without it still loads the plugin;
   the worker then waits a fixed time instead. */
extern int mysqld_server_started __attribute__((weak));
#define SDS_SERVER_STARTED_KNOWN() (&mysqld_server_started != NULL)
#define SDS_SERVER_STARTED() (mysqld_server_started)

/* Set when the server begins to shut down (mariadbd's abort_loop, read
   weakly as above): the worker must then stop opening local connections,
   or the server would wait for them forever. */
extern volatile char abort_loop __attribute__((weak));
#define SDS_SERVER_STOPPING() (&abort_loop != NULL && abort_loop)

/* Set by the plugin's init/deinit; the UDFs refuse to run without it. */
extern int sds_plugin_active;

#endif
