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

/* Whether a thread applies changes replicated from elsewhere: a replica's
   SQL (applier) thread, or a Galera applier (write sets and TOI DDL from
   another node). Exported by mariadbd without being in the plugin headers;
   read weakly as above (absent: no such threads). thd_is_slave returns a
   C++ bool (only the low byte of the register is set: seen in 10.11's
   code), whatever InnoDB's declaration of it says. */
extern my_bool thd_is_slave(const MYSQL_THD thd) __attribute__((weak));
extern my_bool wsrep_thd_is_applying(const MYSQL_THD thd) __attribute__((weak));
/* A Galera applier running another node's DDL in total order isolation is
   not "applying" (seen: wsrep_thd_is_applying() false there): it is in TOI,
   but not in a TOI that this node started (wsrep_thd_is_local_toi). */
extern my_bool wsrep_thd_is_toi(const MYSQL_THD thd) __attribute__((weak));
extern my_bool wsrep_thd_is_local_toi(const MYSQL_THD thd) __attribute__((weak));
#define SDS_THD_REPLICATED(thd)                                        \
  ((thd_is_slave && thd_is_slave(thd)) ||                             \
   (wsrep_thd_is_applying && wsrep_thd_is_applying(thd)) ||           \
   (wsrep_thd_is_toi && wsrep_thd_is_local_toi &&                     \
    wsrep_thd_is_toi(thd) && !wsrep_thd_is_local_toi(thd)))

/* A THD for a thread the plugin starts. The SQL service's client
   (mysql_real_connect) runs the server's own network code, which reads
   current_thd on a read error (e.g. its connection killed): without a THD
   the server crashes there (seen: signal 11 under cli_safe_read). The
   server makes such THDs for its own background threads (InnoDB's purge);
   these C++ functions are exported, not in the plugin headers: read weakly
   by their mangled names. */
extern MYSQL_THD sds_create_background_thd(void)
  __asm__("_Z21create_background_thdv") __attribute__((weak));
extern void sds_destroy_background_thd(MYSQL_THD thd)
  __asm__("_Z22destroy_background_thdP3THD") __attribute__((weak));
extern void *sds_thd_attach_thd(MYSQL_THD thd)
  __asm__("_Z14thd_attach_thdP3THD") __attribute__((weak));
extern void sds_thd_detach_thd(void *save)
  __asm__("_Z14thd_detach_thdPv") __attribute__((weak));
#define SDS_BACKGROUND_THD_KNOWN()                                     \
  (sds_create_background_thd && sds_destroy_background_thd &&          \
   sds_thd_attach_thd && sds_thd_detach_thd)

/* The server's own Unix socket (@@socket), which the worker connects to. */
extern char *mysqld_unix_port __attribute__((weak));
#define SDS_SERVER_SOCKET() (&mysqld_unix_port != NULL ? mysqld_unix_port : NULL)

/* Set by the plugin's init/deinit; the UDFs refuse to run without it. */
extern int sds_plugin_active;

#endif
