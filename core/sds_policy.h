/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Built-in policy lists used by the classification (sds_plan.c). */
#ifndef SDS_POLICY_H
#define SDS_POLICY_H

#include "sds_meta.h"

typedef struct policy
{
  const char *name;
  sds_scope scope;
  const char *reason;
} policy;

typedef struct dyn_policy
{
  const char *name, *type_field, *name_field, *reason;
} dyn_policy;

/* each list ends with a NULL name */
extern const policy doctype_policy[];   /* excluded / node_local DocTypes */
extern const dyn_policy dynamic_policy[]; /* follow a Dynamic Link */
extern const policy global_policy[];    /* explicitly global DocTypes */
extern const policy table_policy[];     /* tables without a DocType */
extern const char *const not_owner_fields[];

#endif
