/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Classification of DocTypes and tables into replication scopes: the
   replication plan (sds_meta_plan) and its JSON form. */
#include "sds_meta.h"
#include "sds_map.h"
#include "sds_quote.h"

#include <stdlib.h>
#include <string.h>

#include "sds_policy.h"

static char *take(sds_meta *m, sds_buf *b)
{
  char *s= sds_buf_steal(b, NULL);
  if (!s)
    m->oom= 1;
  return s;
}

static void decide(sds_meta *m, sds_decision *d, sds_scope scope,
                   sds_source src, const char *reason)
{
  d->scope= scope;
  d->source= src;
  free(d->reason);
  d->reason= reason ? strdup(reason) : NULL;
  if (reason && !d->reason)
    m->oom= 1;
}

static sds_field *find_field(sds_doctype *d, const char *name)
{
  size_t i;
  sds_field *f= NULL;
  for (i= 0; i < d->nfields; i++)      /* the last definition wins */
    if (strcmp(d->fields[i].fieldname, name) == 0)
      f= &d->fields[i];
  return f;
}

static int is_company_link(const sds_field *f)
{
  return strcmp(f->fieldtype, "Link") == 0 && f->options &&
         strcmp(f->options, "Company") == 0;
}

static int is_table_field(const sds_field *f)
{
  return (strcmp(f->fieldtype, "Table") == 0 ||
          strcmp(f->fieldtype, "Table MultiSelect") == 0) &&
         f->options && f->options[0];
}

static void apply_property_setters(sds_meta *m)
{
  size_t i;
  for (i= 0; i < m->nprops; i++)
  {
    sds_prop *p= &m->props[i];
    sds_doctype *d= sds_meta_doctype(m, p->doc_type);
    sds_field *f;
    char *v;
    if (!d || !(f= find_field(d, p->field_name)))
      continue;
    if (!(v= strdup(p->value)))
    {
      m->oom= 1;
      return;
    }
    if (strcmp(p->property, "options") == 0)
    {
      free(f->options);
      f->options= v;
    }
    else
    {
      free(f->fieldtype);
      f->fieldtype= v;
    }
  }
}

static int add_parent(sds_meta *m, sds_doctype *child, sds_doctype *parent)
{
  size_t i;
  for (i= 0; i < child->nparents; i++)
    if (child->parents[i].doctype == parent)
      return 0;
  if (child->nparents == child->capparents)
  {
    size_t nc= child->capparents ? child->capparents * 2 : 4;
    sds_parent *p= realloc(child->parents, nc * sizeof(*p));
    if (!p)
    {
      m->oom= 1;
      return -1;
    }
    child->parents= p;
    child->capparents= nc;
  }
  child->parents[child->nparents++].doctype= parent;
  return 0;
}

static int link_model(sds_meta *m)
{
  size_t i, j;
  sds_buf b;
  sds_buf_init(&b);
  for (i= 0; i < m->ndoctypes; i++)
  {
    sds_doctype *d= m->doctypes[i];
    if (!d->declared)
      continue;
    sds_buf_reset(&b);
    sds_buf_adds(&b, "tab");
    sds_buf_adds(&b, d->name);
    if (b.oom)
      break;
    d->table= sds_meta_table(m, b.data);
    if (d->table && !d->is_virtual && !d->issingle && !d->table->is_view)
      d->table->doctype= d;
    else
      d->table= NULL;
    for (j= 0; j < d->nfields; j++)
    {
      sds_doctype *c;
      if (!is_table_field(&d->fields[j]))
        continue;
      c= sds_meta_doctype(m, d->fields[j].options);
      if (c && c->declared && c != d && add_parent(m, c, d))
        break;
    }
  }
  sds_buf_free(&b);
  for (i= 0; i < m->nrules; i++)
  {
    sds_rule *r= &m->rules[i];
    sds_doctype *d= sds_meta_doctype(m, r->key);
    sds_table *t= sds_meta_table(m, r->key);
    if (d && !d->declared)
      d= NULL;
    if (d)
      d->rule= r;
    else if (!t)
    {
      if (m->err.len == 0)
      {
        sds_buf_adds(&m->err, "sds_doctype_rule: '");
        sds_buf_adds(&m->err, r->key);
        sds_buf_adds(&m->err,
                     "' is neither a DocType nor a table of this site");
      }
      return -1;
    }
  }
  return m->oom ? -1 : 0;
}

static const sds_rule *table_rule(const sds_meta *m, const char *name)
{
  size_t i;
  for (i= 0; i < m->nrules; i++)
    if (strcmp(m->rules[i].key, name) == 0)
      return &m->rules[i];
  return NULL;
}

static int rule_error(sds_meta *m, const sds_rule *r, const char *what)
{
  if (m->err.len == 0)
  {
    sds_buf_adds(&m->err, "sds_doctype_rule: '");
    sds_buf_adds(&m->err, r->key);
    sds_buf_adds(&m->err, "' ");
    sds_buf_adds(&m->err, what);
  }
  return -1;
}

/* Find the owning company column of a DocType with a table.
   Returns the field name, or NULL; *why explains (owned by caller). */
static const char *owner_field(sds_doctype *d, sds_buf *why)
{
  size_t i, k;
  const char *found= NULL;
  int n= 0;
  sds_field *named= find_field(d, "company");
  if (named && is_company_link(named) &&
      sds_table_has_column(d->table, "company"))
  {
    sds_buf_adds(why, "owned through its Link to Company 'company'");
    return named->fieldname;
  }
  for (i= 0; i < d->nfields; i++)
  {
    sds_field *f= &d->fields[i];
    int skip= 0;
    if (!is_company_link(f) || find_field(d, f->fieldname) != f)
      continue;
    for (k= 0; sds_not_owner_fields[k]; k++)
      if (strcmp(f->fieldname, sds_not_owner_fields[k]) == 0)
        skip= 1;
    if (skip)
    {
      if (why->len)
        sds_buf_adds(why, "; ");
      sds_buf_printf(why, "'%s' links a Company but does not own the row "
                     "(inter-company party)", f->fieldname);
      continue;
    }
    if (!sds_table_has_column(d->table, f->fieldname))
    {
      if (why->len)
        sds_buf_adds(why, "; ");
      sds_buf_printf(why, "Link to Company '%s' has no column in the table",
                     f->fieldname);
      continue;
    }
    if (n++ == 0)
      found= f->fieldname;
  }
  if (n == 1)
  {
    sds_buf_reset(why);
    sds_buf_printf(why, "owned through its only Link to Company '%s'", found);
    return found;
  }
  if (n > 1)
  {
    sds_buf_reset(why);
    sds_buf_adds(why, "several Links to Company (");
    for (i= 0, k= 0; i < d->nfields; i++)
      if (is_company_link(&d->fields[i]))
        sds_buf_printf(why, "%s%s", k++ ? ", " : "", d->fields[i].fieldname);
    sds_buf_adds(why, ") and none named 'company': ambiguous, so not "
                      "company-owned; add an sds_doctype_rule to choose");
  }
  return NULL;
}

static const sds_policy *find_policy(const sds_policy *list, const char *name)
{
  for (; list->name; list++)
    if (strcmp(list->name, name) == 0)
      return list;
  return NULL;
}

/* Following a Dynamic Link to a company only makes sense on a site with a
   Company table (ERPNext); on Frappe alone everything is shared. */
static int site_has_companies(const sds_meta *m)
{
  const sds_doctype *c= sds_meta_doctype(m, "Company");
  return c && c->declared && c->table;
}

static int apply_rule(sds_meta *m, sds_doctype *d, sds_rule *r)
{
  sds_decision *dd= &d->d;
  sds_buf b;
  sds_buf_init(&b);
  r->used= 1;
  sds_buf_printf(&b, "rule in sds_doctype_rule%s%s", r->note ? ": " : "",
                 r->note ? r->note : "");
  if ((r->scope == SDS_SCOPE_COMPANY || r->scope == SDS_SCOPE_CHILD ||
       r->scope == SDS_SCOPE_GLOBAL) && !d->table)
  {
    sds_buf_free(&b);
    return rule_error(m, r, "names a DocType without a table: only "
                            "node_local or excluded apply");
  }
  if (r->scope == SDS_SCOPE_SINGLES && !d->issingle)
  {
    sds_buf_free(&b);
    return rule_error(m, r, "gives scope singles to a DocType that is not "
                            "a Single");
  }
  if (r->scope == SDS_SCOPE_COMPANY && d->istable)
  {
    sds_buf_free(&b);
    return rule_error(m, r, "gives scope company to a child DocType: use "
                            "scope child with a company_field");
  }
  if (r->scope == SDS_SCOPE_CHILD && !d->istable)
  {
    sds_buf_free(&b);
    return rule_error(m, r, "gives scope child to a DocType that is not a "
                            "child table");
  }
  dd->scope= r->scope;
  dd->source= SDS_SRC_NONE;
  if (r->company_field)
  {
    if (r->scope != SDS_SCOPE_COMPANY && r->scope != SDS_SCOPE_CHILD)
    {
      sds_buf_free(&b);
      return rule_error(m, r, "has a company_field but its scope is "
                              "neither company nor child");
    }
    if (!sds_table_has_column(d->table, r->company_field))
    {
      sds_buf_free(&b);
      if (m->err.len == 0)
        sds_buf_printf(&m->err, "sds_doctype_rule: '%s' names company_field "
                       "'%s' which is not a column of its table", r->key,
                       r->company_field);
      return -1;
    }
    dd->source= SDS_SRC_FIELD;
    dd->company_field= r->company_field;
  }
  else if (r->scope == SDS_SCOPE_COMPANY)
  {
    sds_buf why;
    sds_buf_init(&why);
    if (strcmp(d->name, "Company") == 0)
      dd->source= SDS_SRC_SELF;
    else if ((dd->company_field= owner_field(d, &why)))
      dd->source= SDS_SRC_FIELD;
    sds_buf_free(&why);
    if (dd->source == SDS_SRC_NONE)
    {
      sds_buf_free(&b);
      return rule_error(m, r, "gives scope company but the DocType has no "
                              "unambiguous Link to Company: set "
                              "company_field");
    }
  }
  else if (r->scope == SDS_SCOPE_CHILD)
    dd->source= SDS_SRC_PARENT; /* parents were classified first */
  free(dd->reason);
  dd->reason= take(m, &b);
  return m->oom ? -1 : 0;
}

static void parents_text(sds_buf *b, const sds_doctype *d)
{
  size_t i;
  for (i= 0; i < d->nparents; i++)
  {
    const sds_doctype *p= d->parents[i].doctype;
    sds_buf_printf(b, "%s%s (%s)", i ? ", " : "", p->name,
                   sds_scope_name(p->d.scope));
  }
}

static int classify_child(sds_meta *m, sds_doctype *d)
{
  sds_decision *dd= &d->d;
  size_t i, ncompany= 0, nshared= 0, nlocal= 0;
  sds_buf why, b;
  const char *own;
  sds_buf_init(&why);
  sds_buf_init(&b);
  for (i= 0; i < d->nparents; i++)
  {
    sds_doctype *p= d->parents[i].doctype;
    /* a parent still in progress closes a cycle of Table fields: it has
       no decision yet (SDS_SCOPE_NONE) and counts as not replicated */
    switch (p->d.scope)
    {
    case SDS_SCOPE_COMPANY:
      ncompany++;
      break;
    case SDS_SCOPE_GLOBAL:
    case SDS_SCOPE_SINGLES:
      nshared++;
      break;
    default:
      nlocal++;
    }
  }
  if ((own= owner_field(d, &why)))
  {
    dd->scope= SDS_SCOPE_CHILD;
    dd->source= SDS_SRC_FIELD;
    dd->company_field= own;
    sds_buf_printf(&b, "child table with its own company column: %s",
                   why.data);
  }
  else if (d->nparents == 0)
  {
    dd->scope= SDS_SCOPE_GLOBAL;
    sds_buf_adds(&b, "child table that no DocType uses through a Table "
                     "field: no company to follow");
  }
  else if (ncompany)
  {
    dd->scope= SDS_SCOPE_CHILD;
    dd->source= SDS_SRC_PARENT;
    sds_buf_adds(&b, "child table: a row follows its parent document (per "
                     "parenttype)");
    if (nshared)
      sds_buf_adds(&b, "; rows of global parents go to every node");
    if (nlocal)
      sds_buf_adds(&b, "; rows of unreplicated parents go to no branch");
  }
  else if (nshared)
  {
    dd->scope= SDS_SCOPE_GLOBAL;
    sds_buf_adds(&b, "child table of global parents only");
  }
  else
  {
    /* every parent is node_local or excluded (or in a cycle with this
       one): so are its rows */
    sds_scope s= SDS_SCOPE_EXCLUDED;
    for (i= 0; i < d->nparents; i++)
      if (d->parents[i].doctype->d.scope == SDS_SCOPE_NODE_LOCAL)
        s= SDS_SCOPE_NODE_LOCAL;
    dd->scope= s;
    sds_buf_adds(&b, "child table whose parents are not replicated");
  }
  dd->reason= take(m, &b);
  sds_buf_free(&why);
  return m->oom ? -1 : 0;
}

/* Whether d's decision depends on its parents' decisions: a child table
   (by rule, or by the built-in order below), which must then be decided
   after them. */
static int needs_parents(const sds_doctype *d)
{
  if (d->rule)
    return d->rule->scope == SDS_SCOPE_CHILD;
  return !d->is_virtual && !d->issingle && d->table && d->istable &&
         !find_policy(sds_doctype_policy, d->name);
}

/* Decide one DocType whose parents (if it needs them) are decided or in
   progress. No recursion: see classify(). */
static int decide_one(sds_meta *m, sds_doctype *d)
{
  sds_decision *dd= &d->d;
  const sds_policy *p;
  const sds_dyn_policy *dp;
  sds_buf why;
  const char *own;
  if (d->rule)
  {
    if (apply_rule(m, d, d->rule))
      return -1;
    goto done;
  }
  if (d->is_virtual)
  {
    decide(m, dd, SDS_SCOPE_EXCLUDED, SDS_SRC_NONE,
           "virtual DocType: no table, its controller supplies the data");
    goto done;
  }
  if (d->issingle)
  {
    decide(m, dd, SDS_SCOPE_SINGLES, SDS_SRC_NONE,
           "Single DocType: its values are rows of tabSingles");
    goto done;
  }
  if (!d->table)
  {
    decide(m, dd, SDS_SCOPE_EXCLUDED, SDS_SRC_NONE,
           "no table in the database (DocType not migrated yet?)");
    goto done;
  }
  if ((p= find_policy(sds_doctype_policy, d->name)))
  {
    decide(m, dd, p->scope, SDS_SRC_NONE, p->reason);
    goto done;
  }
  if (d->istable)
  {
    if (classify_child(m, d))
      return -1;
    goto done;
  }
  if (strcmp(d->name, "Company") == 0)
  {
    decide(m, dd, SDS_SCOPE_COMPANY, SDS_SRC_SELF,
           "a Company row belongs to the company it describes");
    goto done;
  }
  sds_buf_init(&why);
  if ((own= owner_field(d, &why)))
  {
    dd->scope= SDS_SCOPE_COMPANY;
    dd->source= SDS_SRC_FIELD;
    dd->company_field= own;
    dd->reason= take(m, &why);
    goto done;
  }
  for (dp= sds_dynamic_policy; dp->name; dp++)
    if (strcmp(dp->name, d->name) == 0 && site_has_companies(m) &&
        sds_table_has_column(d->table, dp->type_field) &&
        sds_table_has_column(d->table, dp->name_field))
    {
      sds_buf_free(&why);
      decide(m, dd, SDS_SCOPE_COMPANY, SDS_SRC_DYNAMIC, dp->reason);
      dd->dyn_type_field= dp->type_field;
      dd->dyn_name_field= dp->name_field;
      goto done;
    }
  if ((p= find_policy(sds_global_policy, d->name)))
  {
    sds_buf_free(&why);
    decide(m, dd, p->scope, SDS_SRC_NONE, p->reason);
    goto done;
  }
  if (why.len == 0)
    sds_buf_adds(&why, "no Link to Company: a master shared by all "
                       "companies");
  else
  {
    sds_buf b;
    sds_buf_init(&b);
    sds_buf_printf(&b, "shared by all companies: %s", why.data);
    sds_buf_free(&why);
    why= b;
  }
  dd->scope= SDS_SCOPE_GLOBAL;
  dd->reason= take(m, &why);
done:
  return m->oom ? -1 : 0;
}

/* Classify d and, first, every parent it depends on, depth first with an
   explicit stack on the heap: a chain of child tables as deep as the
   input (a hostile site, or any caller of the UDFs) costs heap, bounded by
   the number of DocTypes, never the thread's stack. A DocType reached
   again while in progress (a cycle of Table fields) is not waited for: it
   counts as not replicated for the one that reached it (classify_child),
   the order being that of the input rows, so the result is deterministic.
   stack has room for m->ndoctypes entries. */
typedef struct frame
{
  sds_doctype *d;
  size_t next;                  /* next parent to look at */
} frame;

static int classify(sds_meta *m, sds_doctype *root, frame *stack)
{
  size_t depth= 0;
  if (root->state)
    return 0;
  root->state= 1;
  memset(&root->d, 0, sizeof(root->d));
  stack[depth].d= root;
  stack[depth++].next= 0;
  while (depth)
  {
    frame *f= &stack[depth - 1];
    sds_doctype *d= f->d;
    if (needs_parents(d) && f->next < d->nparents)
    {
      sds_doctype *p= d->parents[f->next++].doctype;
      if (p->state == 0)
      {
        p->state= 1;
        memset(&p->d, 0, sizeof(p->d));
        stack[depth].d= p;      /* depth < ndoctypes: each DocType once */
        stack[depth++].next= 0;
      }
      continue;
    }
    if (decide_one(m, d))
      return -1;
    d->state= 2;
    depth--;
  }
  return 0;
}

static void classify_table(sds_meta *m, sds_table *t, sds_decision *dd)
{
  const sds_policy *p;
  const sds_rule *r= table_rule(m, t->name);
  if (t->is_view)
  {
    decide(m, dd, SDS_SCOPE_EXCLUDED, SDS_SRC_NONE,
           "a view: SymmetricDS captures base tables only");
    return;
  }
  if (strncmp(t->name, "sym_", 4) == 0)
  {
    decide(m, dd, SDS_SCOPE_EXCLUDED, SDS_SRC_NONE,
           "SymmetricDS's own table");
    return;
  }
  if (strncmp(t->name, "sds_", 4) == 0)
  {
    decide(m, dd, SDS_SCOPE_EXCLUDED, SDS_SRC_NONE,
           "frappe_sds's own table");
    return;
  }
  if (r && (r->scope == SDS_SCOPE_GLOBAL || r->scope == SDS_SCOPE_NODE_LOCAL ||
            r->scope == SDS_SCOPE_EXCLUDED))
  {
    sds_buf b;
    sds_buf_init(&b);
    sds_buf_printf(&b, "rule in sds_doctype_rule%s%s", r->note ? ": " : "",
                   r->note ? r->note : "");
    dd->scope= r->scope;
    dd->reason= take(m, &b);
    ((sds_rule *) r)->used= 1;
    return;
  }
  if (r && m->err.len == 0)
    sds_buf_printf(&m->err, "sds_doctype_rule: '%s' is a table without a "
                   "DocType: only global, node_local or excluded apply",
                   r->key);
  if ((p= find_policy(sds_table_policy, t->name)))
  {
    decide(m, dd, p->scope, SDS_SRC_NONE, p->reason);
    return;
  }
  decide(m, dd, SDS_SCOPE_EXCLUDED, SDS_SRC_NONE,
         "not a DocType table; add an sds_doctype_rule to replicate it");
}

static int replicated(const sds_decision *d, const sds_table *t)
{
  if (!t)
    return 0;
  return d->scope == SDS_SCOPE_COMPANY || d->scope == SDS_SCOPE_CHILD ||
         d->scope == SDS_SCOPE_GLOBAL || d->scope == SDS_SCOPE_SINGLES;
}

/* Names SymmetricDS cannot take verbatim are never replicated. */
static void check_name(sds_meta *m, const sds_table *t, sds_decision *d)
{
  const char *problem;
  sds_buf b;
  if (!replicated(d, t))
    return;
  sds_buf_init(&b);
  if ((problem= sds_table_name_problem(t->name, strlen(t->name))))
    sds_buf_printf(&b, "not replicated: %s", problem);
  else if (d->company_field &&
           (problem= sds_column_name_problem(d->company_field,
                                             strlen(d->company_field))))
  {
    /* the column is pasted into external_select and initial_load_select,
       where SymmetricDS substitutes $(...): never replicated rather than
       shared with every company */
    sds_buf_adds(&b, "not replicated: company column '");
    sds_buf_adds(&b, d->company_field);
    sds_buf_printf(&b, "': %s", problem);
  }
  else
  {
    sds_buf_free(&b);
    return;
  }
  d->scope= SDS_SCOPE_EXCLUDED;
  d->source= SDS_SRC_NONE;
  free(d->reason);
  d->reason= take(m, &b);
}

static int assign_trigger_ids(sds_meta *m)
{
  sds_map *count= sds_map_new();
  char **slugs= calloc(m->ntables + 1, sizeof(char *));
  size_t i;
  int rc= -1;
  if (!count || !slugs)
    goto end;
  for (i= 0; i < m->ntables; i++)
  {
    sds_table *t= m->tables[i];
    sds_decision *d= t->doctype ? &t->doctype->d : &m->table_d[i];
    sds_buf b;
    size_t n;
    if (!replicated(d, t))
      continue;
    sds_buf_init(&b);
    sds_slug(&b, t->name, strlen(t->name), 100);
    if (!(slugs[i]= sds_buf_steal(&b, NULL)))
      goto end;
    n= (size_t) sds_map_get(count, slugs[i]);
    if (sds_map_put(count, slugs[i], (void *) (n + 1)))
      goto end;
  }
  for (i= 0; i < m->ntables; i++)
  {
    sds_table *t= m->tables[i];
    sds_decision *d= t->doctype ? &t->doctype->d : &m->table_d[i];
    sds_buf b;
    if (!slugs[i])
      continue;
    sds_buf_init(&b);
    sds_buf_adds(&b, slugs[i]);
    if ((size_t) sds_map_get(count, slugs[i]) > 1)
      sds_buf_printf(&b, "_%08x", sds_fnv1a(t->name, strlen(t->name)));
    free(d->trigger_id);
    if (!(d->trigger_id= sds_buf_steal(&b, NULL)))
      goto end;
  }
  rc= 0;
end:
  if (slugs)
    for (i= 0; i < m->ntables; i++)
      free(slugs[i]);
  free(slugs);
  sds_map_free(count);
  if (rc)
    m->oom= 1;
  return rc;
}

int sds_meta_plan(sds_meta *m)
{
  size_t i;
  if (m->err.len || m->oom)
    return -1;
  if (m->finalized)
    return 0;
  m->finalized= 1;
  apply_property_setters(m);
  if (m->oom || link_model(m))
    goto err;
  if (!(m->table_d= calloc(m->ntables + 1, sizeof(sds_decision))))
    goto oom;
  {
    frame *stack= calloc(m->ndoctypes + 1, sizeof(*stack));
    if (!stack)
      goto oom;
    for (i= 0; i < m->ndoctypes; i++)
      if (m->doctypes[i]->declared && classify(m, m->doctypes[i], stack))
      {
        free(stack);
        goto err;
      }
    free(stack);
  }
  for (i= 0; i < m->ntables; i++)
    if (!m->tables[i]->doctype)
      classify_table(m, m->tables[i], &m->table_d[i]);
  if (m->err.len)
    goto err;
  for (i= 0; i < m->ndoctypes; i++)
    if (m->doctypes[i]->declared)
      check_name(m, m->doctypes[i]->table, &m->doctypes[i]->d);
  for (i= 0; i < m->ntables; i++)
    if (!m->tables[i]->doctype)
      check_name(m, m->tables[i], &m->table_d[i]);
  if (assign_trigger_ids(m))
    goto oom;
  if (m->oom)
    goto oom;
  return 0;
oom:
  m->oom= 1;
  if (m->err.len == 0)
    sds_buf_adds(&m->err, "frappe_sds: out of memory");
err:
  if (m->err.len == 0)
    sds_buf_adds(&m->err, m->oom ? "frappe_sds: out of memory"
                                 : "frappe_sds: plan failed");
  return -1;
}

void sds_decision_source(sds_buf *b, const sds_decision *d)
{
  switch (d->source)
  {
  case SDS_SRC_FIELD:
    sds_buf_printf(b, "field:%s", d->company_field);
    break;
  case SDS_SRC_SELF:
    sds_buf_adds(b, "self:name");
    break;
  case SDS_SRC_PARENT:
    sds_buf_adds(b, "parent");
    break;
  case SDS_SRC_DYNAMIC:
    sds_buf_printf(b, "link:%s.%s", d->dyn_type_field, d->dyn_name_field);
    break;
  case SDS_SRC_NONE:
    break;
  }
}

static void json_kv(sds_buf *b, const char *k, const char *v, int first)
{
  if (!first)
    sds_buf_addc(b, ',');
  sds_buf_json_strz(b, k);
  sds_buf_addc(b, ':');
  sds_buf_json_strz(b, v);
}

static void row_json(sds_buf *b, const char *doctype, const char *module,
                     int istable, const sds_table *t, const sds_decision *d,
                     const sds_doctype *dt, int first)
{
  sds_buf tmp;
  sds_buf_init(&tmp);
  if (!first)
    sds_buf_addc(b, ',');
  sds_buf_addc(b, '{');
  json_kv(b, "doctype", doctype, 1);
  json_kv(b, "table_name", t ? t->name : NULL, 0);
  json_kv(b, "scope", sds_scope_name(d->scope), 0);
  sds_decision_source(&tmp, d);
  json_kv(b, "company_source", tmp.len ? tmp.data : NULL, 0);
  sds_buf_reset(&tmp);
  if (dt && dt->nparents)
    parents_text(&tmp, dt);
  json_kv(b, "parents", tmp.len ? tmp.data : NULL, 0);
  json_kv(b, "reason", d->reason, 0);
  json_kv(b, "module", module, 0);
  sds_buf_printf(b, ",\"istable\":%d", istable);
  json_kv(b, "trigger_id", d->trigger_id, 0);
  sds_buf_addc(b, '}');
  if (tmp.oom)
    b->oom= 1;
  sds_buf_free(&tmp);
}

void sds_meta_plan_rows(sds_meta *m, sds_buf *b)
{
  size_t i;
  int first= 1;
  for (i= 0; i < m->ndoctypes; i++)
  {
    sds_doctype *d= m->doctypes[i];
    if (!d->declared)
      continue;                 /* only referenced by field rows */
    row_json(b, d->name, d->module, d->istable, d->table, &d->d, d, first);
    first= 0;
  }
  for (i= 0; i < m->ntables; i++)
    if (!m->tables[i]->doctype)
    {
      row_json(b, NULL, NULL, 0, m->tables[i], &m->table_d[i], NULL, first);
      first= 0;
    }
}

char *sds_meta_plan_json(sds_meta *m, size_t *len)
{
  sds_buf b;
  sds_buf_init(&b);
  if (sds_meta_plan(m))
  {
    sds_buf_adds(&b, "{\"error\":");
    sds_buf_json_strz(&b, m->err.len ? m->err.data : "frappe_sds: out of memory");
    sds_buf_addc(&b, '}');
    return sds_buf_steal(&b, len);
  }
  sds_buf_adds(&b, "{\"plan\":[");
  sds_meta_plan_rows(m, &b);
  sds_buf_adds(&b, "]}");
  return sds_buf_steal(&b, len);
}
