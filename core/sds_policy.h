/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Built-in policy lists used by the classification (sds_plan.c). */
#ifndef SDS_POLICY_H
#define SDS_POLICY_H

#include "sds_meta.h"

typedef struct sds_policy
{
  const char *name;
  sds_scope scope;
  const char *reason;
} sds_policy;

typedef struct sds_dyn_policy
{
  const char *name, *type_field, *name_field, *reason;
} sds_dyn_policy;

/* each list ends with a NULL name */
extern const sds_policy sds_doctype_policy[];   /* excluded / node_local DocTypes */
extern const sds_dyn_policy sds_dynamic_policy[]; /* follow a Dynamic Link */
extern const sds_policy sds_global_policy[];    /* explicitly global DocTypes */
extern const sds_policy sds_table_policy[];     /* tables without a DocType */
extern const char *const sds_not_owner_fields[];

#endif
