/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   In-memory model of a Frappe site's metadata (DocTypes, their effective
   fields after Custom Fields and Property Setters, physical tables and
   columns, override rules) and the replication plan computed from it:
   the model in sds_meta.c, the plan (sds_meta_plan*) in sds_plan.c.
   Pure C: no server headers, unit-tested on its own. */
#ifndef SDS_META_H
#define SDS_META_H

#include <stddef.h>
#include "sds_buf.h"

typedef enum sds_scope
{
  SDS_SCOPE_NONE= 0,
  SDS_SCOPE_COMPANY,    /* rows belong to one company */
  SDS_SCOPE_CHILD,      /* child rows: company from parent or own column */
  SDS_SCOPE_GLOBAL,     /* shared by every node */
  SDS_SCOPE_SINGLES,    /* Single DocType: values in tabSingles */
  SDS_SCOPE_NODE_LOCAL, /* state that never leaves its node */
  SDS_SCOPE_EXCLUDED    /* logs, queues, caches, virtual, sym_* */
} sds_scope;

/* How a row's company is found (company and child scopes). */
typedef enum sds_source
{
  SDS_SRC_NONE= 0,
  SDS_SRC_FIELD,        /* own Link->Company column */
  SDS_SRC_SELF,         /* tabCompany: the row's own name */
  SDS_SRC_PARENT,       /* child row: parent document per parenttype */
  SDS_SRC_DYNAMIC       /* via a Dynamic Link (doctype field + name field) */
} sds_source;

typedef struct sds_field
{
  char *fieldname;
  char *fieldtype;
  char *options;
  int custom;                   /* 1 = from tabCustom Field */
} sds_field;

typedef struct sds_column
{
  char *name;
  int pk;
} sds_column;

struct sds_doctype;

typedef struct sds_table
{
  char *name;
  int is_view;
  sds_column *cols;
  size_t ncols, capcols;
  struct sds_doctype *doctype;  /* NULL: table without a DocType */
} sds_table;

/* One parent of a child DocType, with how that parent decides. */
typedef struct sds_parent
{
  struct sds_doctype *doctype;
} sds_parent;

typedef struct sds_rule
{
  char *key;                    /* DocType name, or table name */
  sds_scope scope;
  char *company_field;          /* may be NULL */
  char *note;                   /* may be NULL */
  int used;
} sds_rule;

/* The plan decision for one DocType or one table. */
typedef struct sds_decision
{
  sds_scope scope;
  sds_source source;
  const char *company_field;    /* SRC_FIELD: the column */
  const char *dyn_type_field;   /* SRC_DYNAMIC: column holding the DocType */
  const char *dyn_name_field;   /* SRC_DYNAMIC: column holding the name */
  char *reason;                 /* owned */
  char *trigger_id;             /* owned; NULL when not replicated */
} sds_decision;

typedef struct sds_doctype
{
  char *name;
  char *module;
  int declared;                 /* 1 = has a tabDocType row */
  int istable, issingle, is_virtual, custom;
  sds_field *fields;
  size_t nfields, capfields;
  sds_parent *parents;          /* DocTypes with a Table field to this one */
  size_t nparents, capparents;
  sds_table *table;             /* NULL when no physical table */
  sds_rule *rule;
  int state;                    /* classification: 0 new, 1 busy, 2 done */
  sds_decision d;
} sds_doctype;

typedef struct sds_prop
{
  char *doc_type, *field_name, *property, *value;
} sds_prop;

struct sds_map;

typedef struct sds_meta
{
  sds_doctype **doctypes;
  size_t ndoctypes, capdoctypes;
  sds_table **tables;
  size_t ntables, captables;
  sds_decision *table_d;        /* decisions of tables without DocType */
  sds_prop *props;
  size_t nprops, capprops;
  sds_rule *rules;
  size_t nrules, caprules;
  struct sds_map *dt_by_name;
  struct sds_map *tab_by_name;
  struct sds_map *params;
  char **param_blocks;
  size_t nparam_blocks, capparam_blocks;
  int finalized;
  int oom;
  sds_buf err;                  /* first input error, if any */
} sds_meta;

sds_meta *sds_meta_new(void);
void sds_meta_free(sds_meta *m);

/* Feed one input row. kind: D doctype, F docfield, C custom field,
   S property setter, T table, K column, R rule, X parameter (see
   sds_meta.c for the argument order). args[i] may be NULL (SQL NULL).
   Returns 0, or -1 after recording an error message in m->err. */
int sds_meta_add(sds_meta *m, char kind, const char *const *args,
                 const size_t *lens, int nargs);

/* Apply Property Setters, link tables, children to parents, and classify
   every DocType and table. Idempotent. Returns 0 or -1 (m->err). */
int sds_meta_plan(sds_meta *m);

const char *sds_scope_name(sds_scope s);
int sds_scope_parse(const char *s, sds_scope *out);

/* Parameters given as X rows. */
const char *sds_meta_param(const sds_meta *m, const char *key);

sds_doctype *sds_meta_doctype(const sds_meta *m, const char *name);
sds_table *sds_meta_table(const sds_meta *m, const char *name);
int sds_table_has_column(const sds_table *t, const char *col);

/* The company_source text of a decision: "field:company", "self:name",
   "parent", "parent|field:company", "link:doctype_field.name_field". */
void sds_decision_source(sds_buf *b, const sds_decision *d);

/* Plan as JSON: {"plan":[...]} or {"error":"..."}. */
char *sds_meta_plan_json(sds_meta *m, size_t *len);
/* The plan's rows, comma-separated JSON objects, appended to b (the
   plan must have been computed: sds_meta_plan). */
void sds_meta_plan_rows(sds_meta *m, sds_buf *b);

#endif
