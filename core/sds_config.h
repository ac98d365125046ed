/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   SymmetricDS configuration rows generated from the replication plan:
   node groups, links, channels, routers, triggers (with capture-time
   company lookups), trigger routers (with company-filtered initial loads)
   and conflict rules, as JSON for the SQL merge in sds_setup. */
#ifndef SDS_CONFIG_H
#define SDS_CONFIG_H

#include <stddef.h>
#include "sds_meta.h"

/* Needs parameters (X rows): db, master_group, branch_group, config_api.
   Optional, together: site_catalog and runtime_catalog, the site database
   S and the runtime database R of the runtime layout (RUNTIME9.md,
   docs/topology.md). Absent, the output is the classic layout's, byte for
   byte. Given, the texts name what is outside their connection's default
   database (see "enum side" in sds_config.c), every sym_trigger row has
   source_catalog_name (S on the master's rows of site tables, else null),
   every sym_router row target_catalog_name (S on sds_b2m, else null) and
   use_source_catalog_schema (0), a router sds_b2m_rt carries the compare
   answers up into R, and each sds_company_where row has "where_branch"
   (the WHERE a branch runs, unqualified) besides "where" (run in R).
   Returns {"sym_node_group":[...], ..., "sym_load_filter":[...],
   "sds_company_where":[...], "plan":[...]} (one array of rows per
   SymmetricDS table, the rows of one company per table, then the plan they
   were made from, as in sds_meta_plan_json) or {"error":"..."}; NULL on
   OOM. */
char *sds_config_json(sds_meta *m, size_t *len);

#endif
