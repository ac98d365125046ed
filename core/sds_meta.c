/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   The Frappe metadata model (see sds_meta.h): built from input rows
   (sds_meta_add), looked up, freed. The classification that computes the
   replication plan from it is sds_plan.c; the policy lists it applies are
   sds_policy.c. */
#include "sds_meta.h"
#include "sds_map.h"
#include "sds_quote.h"

#include <stdlib.h>
#include <string.h>

static const char *const scope_names[]= {
  "", "company", "child", "global", "singles", "node_local", "excluded"
};

const char *sds_scope_name(sds_scope s)
{
  return scope_names[s];
}

int sds_scope_parse(const char *s, sds_scope *out)
{
  int i;
  for (i= 1; i <= (int) SDS_SCOPE_EXCLUDED; i++)
    if (strcmp(s, scope_names[i]) == 0)
    {
      *out= (sds_scope) i;
      return 0;
    }
  return -1;
}

/* ---- allocation helpers -------------------------------------------------- */

static char *dupn(sds_meta *m, const char *s, size_t n)
{
  char *d;
  if (!s)
    return NULL;
  d= malloc(n + 1);
  if (!d)
  {
    m->oom= 1;
    return NULL;
  }
  memcpy(d, s, n);
  d[n]= '\0';
  return d;
}

/* Copy without leading/trailing white space (Link options often carry a
   trailing newline in hand-edited metadata). */
static char *dup_trim(sds_meta *m, const char *s, size_t n)
{
  if (!s)
    return NULL;
  while (n && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
    s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' ||
               s[n - 1] == '\t'))
    n--;
  return dupn(m, s, n);
}

static int reserve(sds_meta *m, void **arr, size_t *cap, size_t n,
                   size_t size)
{
  void *p;
  size_t nc;
  if (n < *cap)
    return 0;
  nc= *cap ? *cap * 2 : 16;
  p= realloc(*arr, nc * size);
  if (!p)
  {
    m->oom= 1;
    return -1;
  }
  *arr= p;
  *cap= nc;
  return 0;
}

#define RESERVE(m, arr, cap, n) \
  reserve((m), (void **) &(arr), &(cap), (n), sizeof(*(arr)))

static int fail(sds_meta *m, const char *msg, const char *what)
{
  if (m->err.len == 0)
  {
    sds_buf_adds(&m->err, msg);
    if (what)
    {
      sds_buf_adds(&m->err, " '");
      sds_buf_adds(&m->err, what);
      sds_buf_adds(&m->err, "'");
    }
  }
  return -1;
}

static int flag(const char *s)
{
  return s && s[0] && !(s[0] == '0' && s[1] == '\0');
}

/* ---- model --------------------------------------------------------------- */

sds_meta *sds_meta_new(void)
{
  sds_meta *m= calloc(1, sizeof(*m));
  if (!m)
    return NULL;
  sds_buf_init(&m->err);
  m->dt_by_name= sds_map_new();
  m->tab_by_name= sds_map_new();
  m->params= sds_map_new();
  if (!m->dt_by_name || !m->tab_by_name || !m->params)
  {
    sds_meta_free(m);
    return NULL;
  }
  return m;
}

static void free_decision(sds_decision *d)
{
  free(d->reason);
  free(d->trigger_id);
  memset(d, 0, sizeof(*d));
}

void sds_meta_free(sds_meta *m)
{
  size_t i, j;
  if (!m)
    return;
  for (i= 0; i < m->ndoctypes; i++)
  {
    sds_doctype *d= m->doctypes[i];
    for (j= 0; j < d->nfields; j++)
    {
      free(d->fields[j].fieldname);
      free(d->fields[j].fieldtype);
      free(d->fields[j].options);
    }
    free(d->fields);
    free(d->parents);
    free(d->name);
    free(d->module);
    free_decision(&d->d);
    free(d);
  }
  free(m->doctypes);
  for (i= 0; i < m->ntables; i++)
  {
    sds_table *t= m->tables[i];
    for (j= 0; j < t->ncols; j++)
      free(t->cols[j].name);
    free(t->cols);
    free(t->name);
    free(t);
    if (m->table_d)
      free_decision(&m->table_d[i]);
  }
  free(m->tables);
  free(m->table_d);
  for (i= 0; i < m->nprops; i++)
  {
    free(m->props[i].doc_type);
    free(m->props[i].field_name);
    free(m->props[i].property);
    free(m->props[i].value);
  }
  free(m->props);
  for (i= 0; i < m->nrules; i++)
  {
    free(m->rules[i].key);
    free(m->rules[i].company_field);
    free(m->rules[i].note);
  }
  free(m->rules);
  for (i= 0; i < m->nparam_blocks; i++)
    free(m->param_blocks[i]);
  free(m->param_blocks);
  sds_map_free(m->dt_by_name);
  sds_map_free(m->tab_by_name);
  sds_map_free(m->params);
  sds_buf_free(&m->err);
  free(m);
}

sds_doctype *sds_meta_doctype(const sds_meta *m, const char *name)
{
  return sds_map_get(m->dt_by_name, name);
}

sds_table *sds_meta_table(const sds_meta *m, const char *name)
{
  return sds_map_get(m->tab_by_name, name);
}

int sds_table_has_column(const sds_table *t, const char *col)
{
  size_t i;
  if (!t)
    return 0;
  for (i= 0; i < t->ncols; i++)
    if (strcmp(t->cols[i].name, col) == 0)
      return 1;
  return 0;
}

const char *sds_meta_param(const sds_meta *m, const char *key)
{
  return sds_map_get(m->params, key);
}

static sds_doctype *get_doctype(sds_meta *m, const char *name, size_t n)
{
  sds_doctype *d;
  char *key= dupn(m, name, n);
  if (!key)
    return NULL;
  d= sds_map_get(m->dt_by_name, key);
  if (d)
  {
    free(key);
    return d;
  }
  if (RESERVE(m, m->doctypes, m->capdoctypes, m->ndoctypes) ||
      !(d= calloc(1, sizeof(*d))))
  {
    m->oom= 1;
    free(key);
    return NULL;
  }
  d->name= key;
  if (sds_map_put(m->dt_by_name, d->name, d))
  {
    m->oom= 1;
    free(key);
    free(d);
    return NULL;
  }
  m->doctypes[m->ndoctypes++]= d;
  return d;
}

static sds_table *get_table(sds_meta *m, const char *name, size_t n)
{
  sds_table *t;
  char *key= dupn(m, name, n);
  if (!key)
    return NULL;
  t= sds_map_get(m->tab_by_name, key);
  if (t)
  {
    free(key);
    return t;
  }
  if (RESERVE(m, m->tables, m->captables, m->ntables) ||
      !(t= calloc(1, sizeof(*t))))
  {
    m->oom= 1;
    free(key);
    return NULL;
  }
  t->name= key;
  if (sds_map_put(m->tab_by_name, t->name, t))
  {
    m->oom= 1;
    free(key);
    free(t);
    return NULL;
  }
  m->tables[m->ntables++]= t;
  return t;
}

static int add_field(sds_meta *m, sds_doctype *d, const char *const *a,
                     const size_t *l, int custom)
{
  sds_field *f;
  if (RESERVE(m, d->fields, d->capfields, d->nfields))
    return -1;
  f= &d->fields[d->nfields];
  f->fieldname= dup_trim(m, a[2], l[2]);
  f->fieldtype= dup_trim(m, a[3], l[3]);
  f->options= dup_trim(m, a[4], l[4]);
  f->custom= custom;
  if (m->oom)
  {
    d->nfields++;             /* keep it: sds_meta_free frees what was made */
    return -1;
  }
  if (!f->fieldname || !f->fieldtype)
  {
    free(f->fieldname);
    free(f->fieldtype);
    free(f->options);
    return 0;                 /* a field without name/type has no column */
  }
  d->nfields++;
  return 0;
}

/* Argument layout of sds_meta_add (args[0] is the kind itself):
   D: name, module, istable, issingle, is_virtual, custom
   F: parent, fieldname, fieldtype, options         (tabDocField)
   C: dt, fieldname, fieldtype, options             (tabCustom Field)
   S: doc_type, field_name, property, value, doctype_or_field
   T: table_name, table_type
   K: table_name, column_name, column_key
   R: key, scope, company_field, note               (sds_doctype_rule)
   X: key, value */
int sds_meta_add(sds_meta *m, char kind, const char *const *a,
                 const size_t *l, int n)
{
  if (m->finalized)
    return fail(m, "frappe_sds: input after the plan was computed", NULL);
  if (n < 8)
    return fail(m, "frappe_sds: expected 8 arguments", NULL);
  switch (kind)
  {
  case 'D':
  {
    sds_doctype *d;
    if (!a[1] || !l[1])
      return fail(m, "frappe_sds: DocType row without a name", NULL);
    if (!(d= get_doctype(m, a[1], l[1])))
      goto oom;
    free(d->module);
    d->declared= 1;
    d->module= dupn(m, a[2], l[2]);
    d->istable= flag(a[3]);
    d->issingle= flag(a[4]);
    d->is_virtual= flag(a[5]);
    d->custom= flag(a[6]);
    break;
  }
  case 'F':
  case 'C':
  {
    sds_doctype *d;
    if (!a[1] || !l[1])
      return 0;                 /* orphan field row: nothing to attach to */
    if (!(d= get_doctype(m, a[1], l[1])) ||
        add_field(m, d, a, l, kind == 'C'))
      goto oom;
    break;
  }
  case 'S':
  {
    sds_prop *p;
    if (!a[1] || !a[2] || !a[3])
      return 0;                 /* DocType-level setters do not matter */
    if (a[5] && strcmp(a[5], "DocField") != 0)
      return 0;
    if (!(l[3] == 7 && memcmp(a[3], "options", 7) == 0) &&
        !(l[3] == 9 && memcmp(a[3], "fieldtype", 9) == 0))
      return 0;
    if (RESERVE(m, m->props, m->capprops, m->nprops))
      goto oom;
    p= &m->props[m->nprops];
    p->doc_type= dupn(m, a[1], l[1]);
    p->field_name= dup_trim(m, a[2], l[2]);
    p->property= dupn(m, a[3], l[3]);
    p->value= dup_trim(m, a[4] ? a[4] : "", a[4] ? l[4] : 0);
    if (m->oom)
    {
      m->nprops++;            /* freed with the model */
      goto oom;
    }
    m->nprops++;
    break;
  }
  case 'T':
  {
    sds_table *t;
    if (!a[1] || !l[1])
      return fail(m, "frappe_sds: table row without a name", NULL);
    if (!(t= get_table(m, a[1], l[1])))
      goto oom;
    t->is_view= a[2] && strcmp(a[2], "VIEW") == 0;
    break;
  }
  case 'K':
  {
    sds_table *t;
    sds_column *c;
    if (!a[1] || !a[2])
      return fail(m, "frappe_sds: column row without table or name", NULL);
    if (!(t= get_table(m, a[1], l[1])) ||
        RESERVE(m, t->cols, t->capcols, t->ncols))
      goto oom;
    c= &t->cols[t->ncols];
    if (!(c->name= dupn(m, a[2], l[2])))
      goto oom;
    c->pk= a[3] && strcmp(a[3], "PRI") == 0;
    t->ncols++;
    break;
  }
  case 'R':
  {
    sds_rule *r;
    char *scope;
    if (!a[1] || !l[1] || !a[2])
      return fail(m, "sds_doctype_rule: a rule needs a doctype and a scope",
                  NULL);
    if (RESERVE(m, m->rules, m->caprules, m->nrules))
      goto oom;
    r= &m->rules[m->nrules];
    memset(r, 0, sizeof(*r));
    if (!(scope= dupn(m, a[2], l[2])))
      goto oom;
    if (sds_scope_parse(scope, &r->scope))
    {
      fail(m, "sds_doctype_rule: unknown scope", scope);
      free(scope);
      return -1;
    }
    free(scope);
    r->key= dupn(m, a[1], l[1]);
    r->company_field= a[3] && l[3] ? dup_trim(m, a[3], l[3]) : NULL;
    r->note= a[4] && l[4] ? dupn(m, a[4], l[4]) : NULL;
    if (m->oom)
    {
      m->nrules++;            /* freed with the model */
      goto oom;
    }
    m->nrules++;
    break;
  }
  case 'X':
  {
    /* key and value in one block: "key\0value\0"; the map key points at
       the block, the value at its second half; param_blocks owns it. */
    char *blk;
    if (!a[1] || !l[1])
      return fail(m, "frappe_sds: parameter without a name", NULL);
    if (!a[2])
      return 0;                 /* NULL: the parameter stays unset */
    if (RESERVE(m, m->param_blocks, m->capparam_blocks, m->nparam_blocks) ||
        !(blk= malloc(l[1] + (a[2] ? l[2] : 0) + 2)))
      goto oom;
    m->param_blocks[m->nparam_blocks++]= blk;
    memcpy(blk, a[1], l[1]);
    blk[l[1]]= '\0';
    memcpy(blk + l[1] + 1, a[2] ? a[2] : "", a[2] ? l[2] : 0);
    blk[l[1] + 1 + (a[2] ? l[2] : 0)]= '\0';
    if (sds_map_put(m->params, blk, blk + l[1] + 1))
      goto oom;
    break;
  }
  default:
  {
    char k[2]= {kind, '\0'};
    return fail(m, "frappe_sds: unknown input kind", k);
  }
  }
  return 0;
oom:
  m->oom= 1;
  return fail(m, "frappe_sds: out of memory", NULL);
}
