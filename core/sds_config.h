/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   SymmetricDS configuration rows generated from the replication plan:
   node groups, links, channels, routers, triggers (with capture-time
   company lookups), trigger routers (with company-filtered initial loads)
   and conflict rules, as JSON for the SQL merge in sds_setup. */
#ifndef SDS_CONFIG_H
#define SDS_CONFIG_H

#include <stddef.h>
#include "sds_meta.h"

/* Needs parameters (X rows): db, master_group, branch_group.
   Returns {"sym_node_group":[...], ..., "sym_conflict":[...], "plan":[...]}
   (one array of rows per SymmetricDS table, then the plan they were made
   from, as in sds_meta_plan_json) or {"error":"..."}; NULL on OOM. */
char *sds_config_json(sds_meta *m, size_t *len);

#endif
