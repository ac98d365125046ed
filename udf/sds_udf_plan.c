/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Aggregate UDFs that feed Frappe metadata rows to the pure core and
   return its result as JSON:
     sds__plan_agg(kind, a1, ..., a7)    -> {"plan":[...]} | {"error":"..."}
     sds__config_agg(kind, a1, ..., a7)  -> {"sym_node_group":[...], ...,
                                            "plan":[...]} | {"error":"..."}
   The SQL procedures (sql/install.sql) call them over the view
   sds__meta_input, so privileges are the caller's: the UDFs themselves read
   nothing. Errors found in the data come back in the JSON, and the
   procedure raises them with SIGNAL (a UDF cannot raise a message after
   _init). */
#include "sds_compat.h"
#include "../core/sds_meta.h"
#include "../core/sds_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SDS_NARGS 8

/* Memory one call may use (input rows, the model, the result): about ten
   times what ERPNext v13 with its customizations needs. Past it the call
   returns {"error": ...} (the procedures raise it). Well-formed metadata of
   that size does not exist; a caller feeding it is probing. */
#define SDS_UDF_MEM_CAP ((size_t) 128 << 20)

/* The server's allocator (mysys, exported by mariadbd; not a plugin
   service, hence read weakly like abort_loop in sds_compat.h): blocks
   allocated MY_THREAD_SPECIFIC count in the session's Memory_used, and past
   max_session_mem_used the server kills the statement with its own error
   (ER_OPTION_PREVENTS_STATEMENT). Without the symbols the cap still holds,
   on libc memory. */
extern void *my_malloc(unsigned int key, size_t size, unsigned long flags)
  __attribute__((weak));
extern void my_free(void *ptr) __attribute__((weak));
#define SDS_MY_THREAD_SPECIFIC 0x10000UL  /* my_sys.h */

static void *server_alloc(size_t n)
{
  return my_malloc(0 /* PSI_NOT_INSTRUMENTED */, n, SDS_MY_THREAD_SPECIFIC);
}

static void server_release(void *p)
{
  my_free(p);
}

typedef struct agg_state
{
  sds_meta *meta;
  char *result;
  size_t result_len;
  sds_budget budget;            /* everything the call allocates */
  const char *name;
} agg_state;

/* Every entry point runs inside the call's budget (one thread: the
   connection's, for the server's thread-specific accounting). */
#define ENTER(st) sds_budget *prev_= sds_budget_enter(&(st)->budget)
#define LEAVE() sds_budget_leave(prev_)

/* The error result once the cap was hit, built outside the budget. */
static char *cap_error(agg_state *st, size_t *len)
{
  sds_buf b;
  sds_buf_init(&b);
  sds_buf_adds(&b, "{\"error\":");
  {
    char msg[300];
    snprintf(msg, sizeof(msg),
             "%s(): the metadata needs more than %zu MiB of memory, "
             "frappe_sds's cap for one call; check sds__meta_input for "
             "oversized rows", st->name, SDS_UDF_MEM_CAP >> 20);
    sds_buf_json_strz(&b, msg);
  }
  sds_buf_addc(&b, '}');
  return sds_buf_steal(&b, len);
}

static my_bool agg_init(const char *name, UDF_INIT *initid, UDF_ARGS *args,
                        char *message)
{
  agg_state *st;
  unsigned i;
  if (args->arg_count != SDS_NARGS)
  {
    snprintf(message, MYSQL_ERRMSG_SIZE,
             "%s() takes %d arguments (kind, a1 .. a7), got %u", name,
             SDS_NARGS, args->arg_count);
    return 1;
  }
  for (i= 0; i < args->arg_count; i++)
    args->arg_type[i]= STRING_RESULT;
  if (!sds_plugin_active)
  {
    snprintf(message, MYSQL_ERRMSG_SIZE,
             "%s(): the FRAPPE_SDS plugin is not installed; run "
             "INSTALL SONAME 'frappe_sds' first", name);
    return 1;
  }
  if (!(st= calloc(1, sizeof(*st))))
  {
    snprintf(message, MYSQL_ERRMSG_SIZE, "%s(): out of memory", name);
    return 1;
  }
  st->name= name;
  st->budget.limit= SDS_UDF_MEM_CAP;
  if (my_malloc && my_free)
  {
    st->budget.alloc= server_alloc;
    st->budget.release= server_release;
  }
  {
    ENTER(st);
    st->meta= sds_meta_new();
    LEAVE();
  }
  if (!st->meta)
  {
    free(st);
    snprintf(message, MYSQL_ERRMSG_SIZE, "%s(): out of memory", name);
    return 1;
  }
  initid->ptr= (char *) st;
  initid->maybe_null= 1;        /* NULL only when out of memory */
  initid->const_item= 0;
  initid->max_length= 0xFFFFFFFFu;
  return 0;
}

static void agg_deinit(UDF_INIT *initid)
{
  agg_state *st= (agg_state *) initid->ptr;
  if (!st)
    return;
  {
    ENTER(st);
    sds_meta_free(st->meta);
    free(st->result);
    LEAVE();
  }
  free(st);
}

static void agg_clear(UDF_INIT *initid, char *is_null, char *error)
{
  agg_state *st= (agg_state *) initid->ptr;
  ENTER(st);
  (void) is_null;
  sds_meta_free(st->meta);
  free(st->result);
  st->result= NULL;
  st->budget.over= 0;
  if (!(st->meta= sds_meta_new()))
    *error= 1;
  LEAVE();
}

static void agg_add_row(agg_state *st, UDF_ARGS *args);

static void agg_add(UDF_INIT *initid, UDF_ARGS *args, char *is_null,
                    char *error)
{
  agg_state *st= (agg_state *) initid->ptr;
  (void) is_null;
  (void) error;                 /* input errors are reported in the JSON */
  if (!st->budget.over)         /* past the cap: the result says so */
  {
    ENTER(st);
    agg_add_row(st, args);
    LEAVE();
  }
}

static void agg_add_row(agg_state *st, UDF_ARGS *args)
{
  const char *a[SDS_NARGS];
  size_t l[SDS_NARGS];
  unsigned i;
  if (!st->meta || !args->args[0] || args->lengths[0] != 1)
  {
    if (st->meta && st->meta->err.len == 0)
      sds_buf_adds(&st->meta->err, "frappe_sds: the kind argument must be "
                                   "one character");
    return;
  }
  for (i= 0; i < SDS_NARGS; i++)
  {
    a[i]= args->args[i];
    l[i]= args->args[i] ? args->lengths[i] : 0;
  }
  /* strings from the server are not NUL-terminated: the core copies
     them by length, except the few it compares in place, which get a
     NUL-terminated copy here */
  {
    char kind= args->args[0][0];
    char *tmp[SDS_NARGS]= {0};
    for (i= 1; i < SDS_NARGS; i++)
      if (a[i])
      {
        if (!(tmp[i]= malloc(l[i] + 1)))
        {
          st->meta->oom= 1;
          break;
        }
        memcpy(tmp[i], a[i], l[i]);
        tmp[i][l[i]]= '\0';
        a[i]= tmp[i];
      }
    if (!st->meta->oom)
      sds_meta_add(st->meta, kind, a, l, SDS_NARGS);
    for (i= 1; i < SDS_NARGS; i++)
      free(tmp[i]);
  }
}

static char *agg_result(UDF_INIT *initid, unsigned long *length,
                        char *is_null, char *error, int config)
{
  agg_state *st= (agg_state *) initid->ptr;
  size_t len= 0;
  ENTER(st);
  free(st->result);
  st->result= NULL;
  if (!st->meta)
  {
    LEAVE();
    *error= 1;
    return NULL;
  }
  if (!st->budget.over)
    st->result= config ? sds_config_json(st->meta, &len)
                       : sds_meta_plan_json(st->meta, &len);
  LEAVE();
  if (st->budget.over)
  {
    free(st->result);           /* an "out of memory" error, or partial */
    st->result= cap_error(st, &len);
  }
  if (!st->result)
  {
    *is_null= 1;
    return NULL;
  }
  st->result_len= len;
  *length= (unsigned long) len;
  return st->result;
}

SDS_EXPORT my_bool sds__plan_agg_init(UDF_INIT *initid, UDF_ARGS *args,
                                     char *message)
{
  return agg_init("sds__plan_agg", initid, args, message);
}
SDS_EXPORT void sds__plan_agg_deinit(UDF_INIT *initid)
{
  agg_deinit(initid);
}
SDS_EXPORT void sds__plan_agg_clear(UDF_INIT *initid, char *is_null,
                                   char *error)
{
  agg_clear(initid, is_null, error);
}
SDS_EXPORT void sds__plan_agg_add(UDF_INIT *initid, UDF_ARGS *args,
                                 char *is_null, char *error)
{
  agg_add(initid, args, is_null, error);
}
SDS_EXPORT char *sds__plan_agg(UDF_INIT *initid, UDF_ARGS *args, char *result,
                              unsigned long *length, char *is_null,
                              char *error)
{
  (void) args;
  (void) result;
  return agg_result(initid, length, is_null, error, 0);
}

SDS_EXPORT my_bool sds__config_agg_init(UDF_INIT *initid, UDF_ARGS *args,
                                       char *message)
{
  return agg_init("sds__config_agg", initid, args, message);
}
SDS_EXPORT void sds__config_agg_deinit(UDF_INIT *initid)
{
  agg_deinit(initid);
}
SDS_EXPORT void sds__config_agg_clear(UDF_INIT *initid, char *is_null,
                                     char *error)
{
  agg_clear(initid, is_null, error);
}
SDS_EXPORT void sds__config_agg_add(UDF_INIT *initid, UDF_ARGS *args,
                                   char *is_null, char *error)
{
  agg_add(initid, args, is_null, error);
}
SDS_EXPORT char *sds__config_agg(UDF_INIT *initid, UDF_ARGS *args,
                                char *result, unsigned long *length,
                                char *is_null, char *error)
{
  (void) args;
  (void) result;
  return agg_result(initid, length, is_null, error, 1);
}

/* The names of 0.3.0 and older, sds_plan_agg and sds_config_agg: a site
   of such a release calls them until its install.sql of this release has
   run (which drops them, sql/install/05_upgrade.sql). Kept for that window
   only, so that its procedures can still report "run the install.sql of
   <version>" instead of failing with "FUNCTION ... does not exist";
   remove them in the release after this one. */
SDS_EXPORT my_bool sds_plan_agg_init(UDF_INIT *initid, UDF_ARGS *args,
                                     char *message)
{
  return agg_init("sds_plan_agg", initid, args, message);
}
SDS_EXPORT void sds_plan_agg_deinit(UDF_INIT *initid)
{
  agg_deinit(initid);
}
SDS_EXPORT void sds_plan_agg_clear(UDF_INIT *initid, char *is_null,
                                   char *error)
{
  agg_clear(initid, is_null, error);
}
SDS_EXPORT void sds_plan_agg_add(UDF_INIT *initid, UDF_ARGS *args,
                                 char *is_null, char *error)
{
  agg_add(initid, args, is_null, error);
}
SDS_EXPORT char *sds_plan_agg(UDF_INIT *initid, UDF_ARGS *args, char *result,
                              unsigned long *length, char *is_null,
                              char *error)
{
  return sds__plan_agg(initid, args, result, length, is_null, error);
}

SDS_EXPORT my_bool sds_config_agg_init(UDF_INIT *initid, UDF_ARGS *args,
                                       char *message)
{
  return agg_init("sds_config_agg", initid, args, message);
}
SDS_EXPORT void sds_config_agg_deinit(UDF_INIT *initid)
{
  agg_deinit(initid);
}
SDS_EXPORT void sds_config_agg_clear(UDF_INIT *initid, char *is_null,
                                     char *error)
{
  agg_clear(initid, is_null, error);
}
SDS_EXPORT void sds_config_agg_add(UDF_INIT *initid, UDF_ARGS *args,
                                   char *is_null, char *error)
{
  agg_add(initid, args, is_null, error);
}
SDS_EXPORT char *sds_config_agg(UDF_INIT *initid, UDF_ARGS *args,
                                char *result, unsigned long *length,
                                char *is_null, char *error)
{
  return sds__config_agg(initid, args, result, length, is_null, error);
}
