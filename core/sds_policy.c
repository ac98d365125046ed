/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   The project's documented replication decisions for well-known DocTypes
   and tables (README, "Replication plan"). Change them here only. */
#include "sds_policy.h"

/* DocTypes whose rows must not replicate, whatever fields they have. */
const sds_policy sds_doctype_policy[]= {
  {"Version", SDS_SCOPE_EXCLUDED, "document change log (a Frappe log type)"},
  {"Error Log", SDS_SCOPE_EXCLUDED, "log"},
  {"Error Snapshot", SDS_SCOPE_EXCLUDED, "log"},
  {"Scheduled Job Log", SDS_SCOPE_EXCLUDED, "log of this node's scheduler"},
  {"Access Log", SDS_SCOPE_EXCLUDED, "log"},
  {"Activity Log", SDS_SCOPE_EXCLUDED, "log"},
  {"View Log", SDS_SCOPE_EXCLUDED, "log"},
  {"Route History", SDS_SCOPE_EXCLUDED, "per-user navigation log"},
  {"Energy Point Log", SDS_SCOPE_EXCLUDED, "log"},
  {"Notification Log", SDS_SCOPE_EXCLUDED, "per-user notification log"},
  {"Console Log", SDS_SCOPE_EXCLUDED, "log"},
  {"Email Queue", SDS_SCOPE_EXCLUDED,
   "outgoing mail queue: another node's scheduler would send it again"},
  {"Email Queue Recipient", SDS_SCOPE_EXCLUDED, "outgoing mail queue"},
  {"Email Flag Queue", SDS_SCOPE_EXCLUDED, "mail queue"},
  {"Unhandled Email", SDS_SCOPE_EXCLUDED, "mail that failed to import"},
  {"Event Update Log", SDS_SCOPE_EXCLUDED, "event streaming log"},
  {"Event Sync Log", SDS_SCOPE_EXCLUDED, "event streaming log"},
  {"Prepared Report", SDS_SCOPE_EXCLUDED, "cached report output"},
  {"Integration Request", SDS_SCOPE_EXCLUDED, "log of external API calls"},
  {"Webhook Request Log", SDS_SCOPE_EXCLUDED, "log"},
  {"Transaction Log", SDS_SCOPE_EXCLUDED,
   "hash chain of this node's transactions"},
  {"Deleted Document", SDS_SCOPE_EXCLUDED,
   "trash bin holding whole deleted documents of any company"},
  {"DocShare", SDS_SCOPE_EXCLUDED, "per-user sharing (a Frappe log type)"},
  {"Document Follow", SDS_SCOPE_EXCLUDED, "per-user subscription"},
  {"Data Import", SDS_SCOPE_EXCLUDED, "import tool run on one node"},
  {"Data Import Legacy", SDS_SCOPE_EXCLUDED, "import tool run on one node"},
  {"Bulk Update", SDS_SCOPE_EXCLUDED, "tool"},
  {"Submission Queue", SDS_SCOPE_EXCLUDED, "background job queue"},
  {"DefaultValue", SDS_SCOPE_NODE_LOCAL,
   "global and per-user defaults (default company, fiscal year): each node "
   "keeps its own"},
  {"Scheduled Job Type", SDS_SCOPE_NODE_LOCAL,
   "scheduler state of this node"},
  {"Patch Log", SDS_SCOPE_NODE_LOCAL,
   "migration state of this node's code"},
  {"Repost Item Valuation", SDS_SCOPE_NODE_LOCAL,
   "background job queue: each node reposts its own stock; replicating it "
   "would run the job twice"},
  {"Installed Application", SDS_SCOPE_NODE_LOCAL,
   "apps installed on this node"},
  {NULL, SDS_SCOPE_NONE, NULL}
};

/* Documents tied to a company document only through a Dynamic Link. */
const sds_dyn_policy sds_dynamic_policy[]= {
  {"File", "attached_to_doctype", "attached_to_name",
   "an attachment follows the document it is attached to; files of global "
   "documents and unattached files go to every node"},
  {"Comment", "reference_doctype", "reference_name",
   "a timeline comment follows its document"},
  {"Communication", "reference_doctype", "reference_name",
   "an email or timeline entry follows its document"},
  {"ToDo", "reference_type", "reference_name",
   "an assignment follows the document it is about"},
  {NULL, NULL, NULL, NULL}
};

/* DocTypes decided as global although someone may expect otherwise. */
const sds_policy sds_global_policy[]= {
  {"Address", SDS_SCOPE_GLOBAL,
   "tied to parties only through Dynamic Link rows; parties (Customer, "
   "Supplier) are global masters, so their addresses are too"},
  {"Contact", SDS_SCOPE_GLOBAL,
   "tied to parties only through Dynamic Link rows; parties (Customer, "
   "Supplier) are global masters, so their contacts are too"},
  {NULL, SDS_SCOPE_NONE, NULL}
};

/* Link->Company fields that do not make a DocType company-owned. */
const char *const sds_not_owner_fields[]= {
  "represents_company",  /* inter-company party: "this customer is our X" */
  NULL
};

/* Tables without a DocType. */
const sds_policy sds_table_policy[]= {
  {"tabSeries", SDS_SCOPE_NODE_LOCAL,
   "naming-series counters: each node numbers its own documents"},
  {"tabSessions", SDS_SCOPE_NODE_LOCAL, "web sessions of this node"},
  {"__UserSettings", SDS_SCOPE_NODE_LOCAL,
   "per-user UI settings of this node"},
  {"__global_search", SDS_SCOPE_EXCLUDED, "search index, rebuilt locally"},
  {"__Auth", SDS_SCOPE_GLOBAL,
   "password hashes and encrypted secrets: users must be able to log in at "
   "a branch"},
  {"tabSingles", SDS_SCOPE_SINGLES,
   "values of every Single DocType (settings)"},
  {NULL, SDS_SCOPE_NONE, NULL}
};

