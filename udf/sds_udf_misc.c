/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Small scalar UDFs:
     sds_version()            -> the library version, e.g. '0.3.0'
     sds_literal(s)           -> s as an SQL literal safe in any sql_mode
                                 and in SymmetricDS texts; NULL -> 'NULL'
     sds_ident(s)             -> s as a backtick-quoted identifier;
                                 NULL -> NULL */
#include "sds_compat.h"
#include "../core/sds_quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

SDS_EXPORT my_bool sds_version_init(UDF_INIT *initid, UDF_ARGS *args,
                                    char *message)
{
  if (args->arg_count != 0)
  {
    snprintf(message, MYSQL_ERRMSG_SIZE, "sds_version() takes no arguments");
    return 1;
  }
  if (!sds_plugin_active)
  {
    snprintf(message, MYSQL_ERRMSG_SIZE,
             "sds_version(): the FRAPPE_SDS plugin is not installed; run "
             "INSTALL SONAME 'frappe_sds' first");
    return 1;
  }
  initid->maybe_null= 0;
  initid->const_item= 1;
  initid->max_length= sizeof(SDS_VERSION);
  return 0;
}

SDS_EXPORT char *sds_version(UDF_INIT *initid, UDF_ARGS *args, char *result,
                             unsigned long *length, char *is_null,
                             char *error)
{
  (void) initid;
  (void) args;
  (void) is_null;
  (void) error;
  *length= (unsigned long) strlen(SDS_VERSION);
  memcpy(result, SDS_VERSION, *length);
  return result;
}

static my_bool quote_init(const char *name, UDF_INIT *initid, UDF_ARGS *args,
                          char *message)
{
  if (args->arg_count != 1)
  {
    snprintf(message, MYSQL_ERRMSG_SIZE, "%s() takes 1 argument", name);
    return 1;
  }
  args->arg_type[0]= STRING_RESULT;
  initid->ptr= NULL;
  initid->maybe_null= 1;
  initid->const_item= 0;
  initid->max_length= args->attribute_lengths[0] * 2 + 16;
  return 0;
}

static void quote_deinit(UDF_INIT *initid)
{
  free(initid->ptr);
}

static char *quote_run(UDF_INIT *initid, UDF_ARGS *args,
                       unsigned long *length, char *is_null, char *error,
                       int ident)
{
  sds_buf b;
  free(initid->ptr);
  initid->ptr= NULL;
  if (!args->args[0])
  {
    if (ident)
    {
      *is_null= 1;
      return NULL;
    }
    *length= 4;
    initid->ptr= strdup("NULL");
    if (!initid->ptr)
      *error= 1;
    return initid->ptr;
  }
  sds_buf_init(&b);
  if (ident)
    sds_quote_ident(&b, args->args[0], args->lengths[0]);
  else
    sds_quote_literal(&b, args->args[0], args->lengths[0]);
  {
    size_t len;
    initid->ptr= sds_buf_steal(&b, &len);
    *length= (unsigned long) len;
  }
  if (!initid->ptr)
    *error= 1;
  return initid->ptr;
}

SDS_EXPORT my_bool sds_literal_init(UDF_INIT *initid, UDF_ARGS *args,
                                          char *message)
{
  return quote_init("sds_literal", initid, args, message);
}
SDS_EXPORT void sds_literal_deinit(UDF_INIT *initid)
{
  quote_deinit(initid);
}
SDS_EXPORT char *sds_literal(UDF_INIT *initid, UDF_ARGS *args,
                                   char *result, unsigned long *length,
                                   char *is_null, char *error)
{
  (void) result;
  return quote_run(initid, args, length, is_null, error, 0);
}

SDS_EXPORT my_bool sds_ident_init(UDF_INIT *initid, UDF_ARGS *args,
                                        char *message)
{
  return quote_init("sds_ident", initid, args, message);
}
SDS_EXPORT void sds_ident_deinit(UDF_INIT *initid)
{
  quote_deinit(initid);
}
SDS_EXPORT char *sds_ident(UDF_INIT *initid, UDF_ARGS *args,
                                 char *result, unsigned long *length,
                                 char *is_null, char *error)
{
  (void) result;
  return quote_run(initid, args, length, is_null, error, 1);
}
