/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   SymmetricDS configuration generated from the plan (see sds_config.h and
   the README section "How rows are routed"). Facts relied on, from
   shared/reference/symmetricds.md:
   - external_select is pasted as "(<text>)" into the capture triggers and
     must yield at most one value of at most 50 characters, or the
     application's DML fails in strict mode (section 2); we always return
     exactly one short value and never NULL;
   - lookuptable routers send a NULL key to every node in 3.15 unless
     ALL_NODES_VALUE says otherwise (section 3, "Traps"): the key is never
     NULL ('~none' maps to no node) and ALL_NODES_VALUE is '~all', which
     the lookup view also maps to itself so that 3.12 agrees;
   - loads carry no external_data (section 3/4): every company-routed
     trigger router gets an initial_load_select, a WHERE fragment on alias
     t where only $(externalId) is substituted; company names are never
     pasted into it (they are read through the sds_company_route view);
   - template variables are replaced inside literals too (section 3,
     "Traps"): literals that could contain "$(" use the hex form. */
#include "sds_config.h"
#include "sds_map.h"
#include "sds_policy.h"
#include "sds_quote.h"

#include <stdlib.h>
#include <string.h>

#define SDS_OWNER "frappe_sds"
#define CHANNEL_DATA "frappe"
#define CHANNEL_RELOAD "frappe_reload"
#define CHANNEL_COMPARE "frappe_compare"
#define COMPARE_TABLE "sds_compare_answer"
#define ROUTER_COMPANY "sds_m2b_company"
#define ROUTER_ALL "sds_m2b_all"
#define ROUTER_UP "sds_b2m"
/* the runtime layout's branch -> master router into the runtime database
   (frappe_sds's own tables: the compare answers) */
#define ROUTER_UP_RT "sds_b2m_rt"
#define KEY_NONE "'~none'"
/* trigger id of a table's branch-side trigger: its id + this (slugs
   have no dot) */
#define SDS_UP_SUFFIX ".up"
#define KEY_ALL "'~all'"
/* stands for the company in the texts of company_where() (the SQL side
   replaces it by the company's name as a literal) */
#define COMPANY_PH "\001"
/* where_branch (runtime layout): where a branch's text names a site table,
   BRANCH_CAT_PH stands for the site database's name, which the master does
   not know: it becomes "$(catalogName)." once the text is checked
   (sent_names_ok() refuses "$(" anywhere else). */
#define BRANCH_CAT_PH "\002"
#define BRANCH_CAT_TOKEN "$(catalogName)."
/* source_catalog_name of the branches' trigger rows (runtime layout): each
   branch's engine replaces it with its own frappe_sds.site.db
   (TriggerRouterService.getTriggers replaces "$(...)" tokens in it with the
   node's parameters), which sds_engine_properties writes. */
#define BRANCH_SITE_TOKEN "$(frappe_sds.site.db)"

/* The output has one array per SymmetricDS table, in this order (parents
   before children), so that the SQL side reads each with a JSON_TABLE of
   that table's columns only. */
static const char *const sym_tables[]= {
  "sym_node_group", "sym_node_group_link", "sym_channel", "sym_router",
  "sym_trigger", "sym_trigger_router", "sym_conflict", "sym_load_filter"};
#define NSYM (sizeof(sym_tables) / sizeof(sym_tables[0]))

/* Which connection runs the text being written, in the runtime layout
   (RUNTIME9.md; docs/topology.md "How SymmetricDS works with it"): the
   master's site database S holds Frappe's tables and the capture
   triggers, its runtime database R every sym_* table and frappe_sds's
   sds_* objects. A text names what is not in its connection's default
   database with that database (see qtab() and qobj()). Every text the
   generator writes, and the side that runs it:

   ON_RUNTIME - a connection whose default database is R: Frappe's tables
     as `S`.`tab...`, sds_* and sym_* unqualified.
     . sym_trigger_router.initial_load_select (SymmetricDS's extraction and
       its row count, on the master);
     . sym_load_filter.before_write_script of a table (up_filters(): the
       master's loader runs it on the batch's connection);
     . sds_company_where "where" (frappe_sds's routines in R: the R events'
       row_data, extracted like a load select, and the row check of
       sds_map_company);
     . sym_router.router_expression of sds_m2b_company
       (LOOKUP_TABLE=sds_company_route: the master's routing job; a name,
       always unqualified);
     . the other load filters' scripts ("select 0", "select 1", the
       compare answers' node check): no object names.
   ON_SITE - inside a capture trigger on a table of S: Frappe's tables
     unqualified, sym_* and sds_* objects as `R`.`...`.
     . sym_trigger.external_select (no sym_* / sds_* object in it);
     . sym_trigger.sync_on_{insert,update,delete}_condition (the singles'
       field lists, the compare row's 1=0: no object names);
     . sym_trigger.custom_on_update_text (move_text(): reads Frappe's
       tables, writes `R`.sym_data, reads `R`.sym_trigger_hist, `R`.sym_node,
       `R`.sds_company_route). The events it writes carry no object name:
       an S event's "delete from $(catalogName).$(tableName) where `name` =
       ..." runs at a branch, an R event's WHERE on the table's own columns
       is extracted on R from the table SymmetricDS names with its source
       catalog.
   ON_BRANCH - a branch's connection. A branch in the runtime layout
     connects to its own runtime database; its site database has a name of
     its own, which the master does not know: a site table is named
     "$(catalogName).`tab...`". The SQL event rides a site table, whose
     catalog the branch's writer filter sds_site_target sets from its
     engine file (sql/install/32_schema_ahead.sql), and SymmetricDS
     replaces the token with it (DefaultDatabaseWriter.
     preprocessSqlStatement).
     . sds_company_where "where_branch" (runtime layout only): the delete
       statement of sds_unmap_company's S events, run at the branch.
   Not SQL: descriptions, ids, group and channel names, sym_conflict's
   detect_expression (a column name), the plan. Without the two catalogs
   (the classic layout) nothing is qualified, whatever the side.
   Database names as values, in the runtime layout only (the classic
   layout's rows do not have these columns): sym_trigger.
   source_catalog_name (source_catalog()), sym_router.target_catalog_name
   and use_source_catalog_schema (router_row()). */
enum side { ON_RUNTIME, ON_SITE, ON_BRANCH };

typedef struct gen
{
  sds_meta *m;
  const char *db, *master, *branch;
  /* the runtime layout: S and R (both NULL in the classic layout) */
  const char *site_cat, *rt_cat;
  enum side on;                 /* who runs the text being written */
  sds_buf tab[NSYM];            /* rows of each sym table */
  int nrows[NSYM];
  sds_buf *out;                 /* the array of the row being written */
  int oom;                      /* a scratch buffer ran out of memory */
  /* how external-select texts refer to the row's columns (see cur()) */
  enum { REF_TRIGGER, REF_PARAM, REF_ROW, REF_OLD, REF_NEW } ref;
  int param_bad;                /* REF_PARAM: a column no parameter can name */
  /* company_where(): the load text selects the rows of one company, the
     placeholder COMPANY_PH standing for it (nph: how many were written) */
  int one_company, nph;
  sds_buf cw;                   /* the "sds_company_where" array */
  int ncw;
  /* reusable scratch buffers */
  sds_buf a, b, c;
} gen;

/* ---- JSON row writer ------------------------------------------------- */

static void row_begin(gen *g, const char *table)
{
  size_t i;
  for (i= 0; i < NSYM - 1 && strcmp(sym_tables[i], table); i++)
    ;
  g->out= &g->tab[i];
  sds_buf_adds(g->out, g->nrows[i]++ ? ",\n{" : "\n{");
  sds_buf_adds(g->out, "\"t\":");
  sds_buf_json_strz(g->out, table);
}

static void col_s(gen *g, const char *k, const char *v)
{
  sds_buf_addc(g->out, ',');
  sds_buf_json_strz(g->out, k);
  sds_buf_addc(g->out, ':');
  sds_buf_json_strz(g->out, v);
}

static void col_i(gen *g, const char *k, long v)
{
  sds_buf_addc(g->out, ',');
  sds_buf_json_strz(g->out, k);
  sds_buf_printf(g->out, ":%ld", v);
}

static void row_end(gen *g)
{
  sds_buf_addc(g->out, '}');
}

/* ---- SQL fragments ----------------------------------------------------- */

/* A table of the site (Frappe's: tab..., tabCompany). Unqualified in a
   capture trigger: sym_trigger rows are configuration SymmetricDS sends to
   every node, and a capture trigger is created in its table's own
   database, where an unqualified name resolves to that node's site (a
   branch's database is named differently: a qualified name would make
   every write there fail with error 1146). In the classic layout the
   master's SymmetricDS connection has the site as default database too;
   in the runtime layout it has R, and the site's tables are `S`.`...`. */
static void qtab(gen *g, sds_buf *b, const char *table)
{
  if (g->site_cat && g->on == ON_RUNTIME)
  {
    sds_quote_identz(b, g->site_cat);
    sds_buf_addc(b, '.');
  }
  else if (g->site_cat && g->on == ON_BRANCH)
    sds_buf_adds(b, BRANCH_CAT_PH);
  sds_quote_identz(b, table);
}

/* An object of SymmetricDS (sym_*) or of frappe_sds (sds_*): in the
   runtime layout they are in R, which a capture trigger (in S) names. */
static void qobj(gen *g, sds_buf *b, const char *name)
{
  if (g->rt_cat && g->on == ON_SITE)
  {
    sds_quote_identz(b, g->rt_cat);
    sds_buf_addc(b, '.');
  }
  sds_quote_identz(b, name);
}

/* SymmetricDS's named parameters (NamedParameterUtils) end at any of
   "':&,;()|=+-*%/\<>^ or a blank: a name usable as ":name" is plain. */
static int plain_param(const char *s)
{
  if (!*s)
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return 1;
}

/* The script of a load filter is read twice: by SymmetricDS, which takes
   ':' and '&' outside '...' / "..." / comments as parameters, and by
   MariaDB. They read it alike when no `quoted` name holds a quote, a
   parameter marker or a comment opener (table and DocType names can). */
static int script_names_ok(const char *s)
{
  int in_lit= 0, in_id= 0;
  for (; *s; s++)
  {
    if (in_id)
    {
      if (*s == '`')
        in_id= 0;
      else if (*s == '\'' || *s == '"' || *s == ':' || *s == '&' ||
               (*s == '-' && s[1] == '-') || (*s == '/' && s[1] == '*'))
        return 0;
    }
    else if (in_lit)
    {
      if (*s == '\'')
        in_lit= 0;
    }
    else if (*s == '`')
      in_id= 1;
    else if (*s == '\'')
      in_lit= 1;
  }
  return !in_lit && !in_id;
}

static int sent_names_ok(const char *s);
static void hex_literal(sds_buf *b, const char *s);

/* Column reference of the row the text is about: in external_select the
   row being captured; in a load filter's script the incoming row, as a
   named parameter SymmetricDS binds (SQLDatabaseWriterFilter), or the
   master's current row (alias x0). */
static void cur(gen *g, sds_buf *b, const char *col)
{
  switch (g->ref)
  {
  case REF_TRIGGER:
    sds_buf_adds(b, "$(curTriggerValue).$(curColumnPrefix)");
    sds_quote_identz(b, col);
    break;
  case REF_PARAM:
    if (!plain_param(col))
      g->param_bad= 1;
    sds_buf_addc(b, ':');
    sds_buf_adds(b, col);
    sds_buf_addc(b, ' ');
    break;
  case REF_ROW:
    sds_buf_adds(b, "x0.");
    sds_quote_identz(b, col);
    break;
  case REF_OLD:
  case REF_NEW:
    /* a capture trigger's custom text: the row before / after the UPDATE */
    sds_buf_adds(b, g->ref == REF_OLD ? "old." : "new.");
    sds_quote_identz(b, col);
    break;
  }
}

/* Company key of the company named by the SQL expression expr:
   one value, at most 50 characters, NULL when unknown. */
static void key_of_company(gen *g, sds_buf *b, const char *expr)
{
  sds_buf_adds(b, "(select k.`abbr` from ");
  qtab(g, b, "tabCompany");
  sds_buf_printf(b, " k where k.`name` = %s and char_length(k.`abbr`) "
                    "between 1 and 50 and k.`abbr` not like '~%%' limit 1)",
                 expr);
}

/* Company key of the company of the document (doctype d, name expr):
   one subquery joining the document to its company (cheaper in the
   capture trigger than a subquery nested in another). */
static int key_of_document(gen *g, sds_buf *b, const sds_doctype *d,
                           const char *name_expr)
{
  if (d->d.scope != SDS_SCOPE_COMPANY)
    return 0;
  if (d->d.source == SDS_SRC_SELF)
  {
    key_of_company(g, b, name_expr);
    return 1;
  }
  if (d->d.source != SDS_SRC_FIELD)
    return 0;
  sds_buf_adds(b, "(select k.`abbr` from ");
  qtab(g, b, d->table->name);
  sds_buf_adds(b, " p join ");
  qtab(g, b, "tabCompany");
  sds_buf_adds(b, " k on k.`name` = p.");
  sds_quote_identz(b, d->d.company_field);
  sds_buf_printf(b, " where p.`name` = %s and char_length(k.`abbr`) between "
                    "1 and 50 and k.`abbr` not like '~%%' limit 1)", name_expr);
  return 1;
}

/* The node's companies, for load selects: only $(externalId) is
   substituted by SymmetricDS, and external ids are checked to be plain. */
static void node_companies(gen *g, sds_buf *b)
{
  if (g->one_company)
  {
    g->nph++;
    sds_buf_adds(b, "(" COMPANY_PH ")");
    return;
  }
  sds_buf_adds(b, "(select r.`company` from ");
  qobj(g, b, "sds_company_route");
  sds_buf_adds(b, " r where r.`node_external_id` = '$(externalId)')");
}

/* Load condition: document (doctype d, name column expr) belongs to one
   of the node's companies. 0 when d is not company-owned. */
static int load_document(gen *g, sds_buf *b, const sds_doctype *d,
                         const char *name_expr)
{
  if (d->d.scope != SDS_SCOPE_COMPANY)
    return 0;
  if (d->d.source == SDS_SRC_SELF)
  {
    sds_buf_printf(b, "%s in ", name_expr);
    node_companies(g, b);
    return 1;
  }
  if (d->d.source != SDS_SRC_FIELD)
    return 0;
  sds_buf_printf(b, "%s in (select p.`name` from ", name_expr);
  qtab(g, b, d->table->name);
  sds_buf_adds(b, " p where p.");
  sds_quote_identz(b, d->d.company_field);
  sds_buf_adds(b, " in ");
  node_companies(g, b);
  sds_buf_addc(b, ')');
  return 1;
}

static int shared_scope(sds_scope s)
{
  return s == SDS_SCOPE_GLOBAL || s == SDS_SCOPE_SINGLES;
}

/* "when 'A' then <key> ..." arms and the load condition for every
   company-owned DocType in docs (n of them); name_expr / load_name give
   the referenced document's name in the trigger and in the load. */
static void company_arms(gen *g, sds_buf *ext, sds_buf *load, int *nload,
                         const sds_doctype *const *docs, size_t n,
                         const char *name_expr, const char *type_col,
                         const char *load_name)
{
  size_t i;
  for (i= 0; i < n; i++)
  {
    const sds_doctype *p= docs[i];
    sds_buf cond;
    if (p->d.scope != SDS_SCOPE_COMPANY || !p->table)
      continue;
    sds_buf_init(&cond);
    if (!load_document(g, &cond, p, load_name))
    {
      sds_buf_free(&cond);
      continue;                 /* no usable source: falls to '~none' */
    }
    sds_buf_adds(ext, " when ");
    sds_quote_literalz(ext, p->name);
    sds_buf_adds(ext, " then ");
    key_of_document(g, ext, p, name_expr);
    if (g->one_company && !sent_names_ok(cond.data))
    {
      sds_buf_free(&cond);      /* a statement could not carry it */
      continue;
    }
    sds_buf_adds(load, (*nload)++ ? " or (" : "(");
    sds_buf_adds(load, type_col);
    sds_buf_adds(load, " = ");
    if (g->one_company)
      hex_literal(load, p->name);
    else
      sds_quote_literalz(load, p->name);
    sds_buf_adds(load, " and ");
    sds_buf_add(load, cond.data, cond.len);
    sds_buf_addc(load, ')');
    if (cond.oom)
      load->oom= 1;
    sds_buf_free(&cond);
  }
}

/* Comma list of the shared (global/singles) DocTypes among docs. */
static size_t shared_list(sds_buf *b, const sds_doctype *const *docs,
                          size_t n)
{
  size_t i, k= 0;
  for (i= 0; i < n; i++)
    if (shared_scope(docs[i]->d.scope))
    {
      sds_buf_adds(b, k++ ? ", " : "");
      sds_quote_literalz(b, docs[i]->name);
    }
  return k;
}

/* external_select and initial_load_select of a company-routed table. */
static void company_texts(gen *g, const sds_doctype *dt,
                          const sds_decision *d, sds_buf *ext,
                          sds_buf *load)
{
  sds_buf e, list;
  size_t i;
  int nload= 0;
  sds_buf_init(&e);
  sds_buf_init(&list);
  sds_buf_adds(ext, "select coalesce(");
  switch (d->source)
  {
  case SDS_SRC_SELF:
    cur(g, &e, "name");
    key_of_company(g, ext, e.data);
    sds_buf_adds(load, "t.`name` in ");
    node_companies(g, load);
    break;
  case SDS_SRC_FIELD:
    cur(g, &e, d->company_field);
    key_of_company(g, ext, e.data);
    sds_buf_adds(load, "t.");
    sds_quote_identz(load, d->company_field);
    sds_buf_adds(load, " in ");
    node_companies(g, load);
    break;
  case SDS_SRC_PARENT:
  {
    const sds_doctype **docs= malloc((dt->nparents + 1) * sizeof(*docs));
    if (!docs)
    {
      ext->oom= 1;
      break;
    }
    sds_buf arms;
    for (i= 0; i < dt->nparents; i++)
      docs[i]= dt->parents[i].doctype;
    cur(g, &e, "parent");
    /* parents whose own company comes through a Dynamic Link have no
       arm: their child rows go to no branch (the master still gets them) */
    sds_buf_init(&arms);
    company_arms(g, &arms, load, &nload, docs, dt->nparents, e.data,
                 "t.`parenttype`", "t.`parent`");
    shared_list(&list, docs, dt->nparents);
    if (arms.len || list.len)
    {
      sds_buf_adds(ext, "case ");
      cur(g, ext, "parenttype");
      if (arms.len)
        sds_buf_add(ext, arms.data, arms.len);
      else
        sds_buf_adds(ext, " when NULL then NULL");
      if (list.len)
      {
        sds_buf_adds(ext, " else case when ");
        cur(g, ext, "parenttype");
        sds_buf_printf(ext, " in (%s) then " KEY_ALL " end", list.data);
        if (!g->one_company)
        {
          sds_buf_adds(load, nload++ ? " or " : "");
          sds_buf_printf(load, "t.`parenttype` in (%s)", list.data);
        }
      }
      sds_buf_adds(ext, " end");
    }
    else
      sds_buf_adds(ext, "NULL");
    if (!nload)
      sds_buf_adds(load, "1=0");
    if (arms.oom)
      ext->oom= 1;
    sds_buf_free(&arms);
    free(docs);
    break;
  }
  case SDS_SRC_DYNAMIC:
  {
    const sds_doctype **docs= malloc((g->m->ndoctypes + 1) * sizeof(*docs));
    size_t n= 0;
    sds_buf tcol;
    if (!docs)
    {
      ext->oom= 1;
      break;
    }
    for (i= 0; i < g->m->ndoctypes; i++)
      if (g->m->doctypes[i]->declared)
        docs[n++]= g->m->doctypes[i];
    sds_buf_init(&tcol);
    sds_buf_adds(&tcol, "t.");
    sds_quote_identz(&tcol, d->dyn_type_field);
    sds_buf_adds(&list, "t.");
    sds_quote_identz(&list, d->dyn_name_field);
    cur(g, &e, d->dyn_name_field);
    sds_buf_adds(ext, "case ");
    cur(g, ext, d->dyn_type_field);
    company_arms(g, ext, load, &nload, docs, n, e.data, tcol.data,
                 list.data);
    /* not attached / attached to a shared document: every node;
       anything else (child, log, node-local, unknown): no branch */
    sds_buf_reset(&list);
    shared_list(&list, docs, n);
    sds_buf_adds(ext, " else case when coalesce(");
    cur(g, ext, d->dyn_type_field);
    sds_buf_adds(ext, ", '') = '' then " KEY_ALL);
    if (!g->one_company)
    {
      sds_buf_adds(load, nload++ ? " or " : "");
      sds_buf_printf(load, "coalesce(%s, '') = ''", tcol.data);
    }
    if (list.len)
    {
      sds_buf_adds(ext, " when ");
      cur(g, ext, d->dyn_type_field);
      sds_buf_printf(ext, " in (%s) then " KEY_ALL, list.data);
      if (!g->one_company)
        sds_buf_printf(load, " or %s in (%s)", tcol.data, list.data);
    }
    if (!nload)
      sds_buf_adds(load, "1=0");
    sds_buf_adds(ext, " end end");
    if (tcol.oom)
      ext->oom= 1;
    sds_buf_free(&tcol);
    free(docs);
    break;
  }
  case SDS_SRC_NONE:
    break;
  }
  sds_buf_adds(ext, ", " KEY_NONE ")");
  if (e.oom || list.oom)
    ext->oom= 1;
  sds_buf_free(&e);
  sds_buf_free(&list);
}

/* ---- moves (docs/routing.md, "Moves") ------------------------------------ */

/* Text that the statements sent to branches (SymmetricDS's SQL events and
   reload events) may carry: SymmetricDS splits a SQL event into statements
   and strips comments (SqlScriptReader), and substitutes "$(" anywhere. So
   no `quoted` name of it holds a quote, ';', '#', a backslash, a comment opener,
   "$(" or a control character; literals are hex (no quote inside). */
static int sent_names_ok(const char *s)
{
  int in_id= 0;
  for (; *s; s++)
  {
    unsigned char c= (unsigned char) *s;
    if (c < 0x20 && !((c == 1 || c == 2) && !in_id))
      return 0;
    if (*s == '$' && s[1] == '(')
      return 0;
    if (in_id)
    {
      if (*s == '`')
        in_id= 0;
      else if (*s == '\'' || *s == '"' || *s == ';' || *s == '#' ||
               *s == '\\' || (*s == '-' && s[1] == '-') ||
               (*s == '/' && s[1] == '*'))
        return 0;
    }
    else if (*s == '`')
      in_id= 1;
  }
  return !in_id;
}

/* _utf8mb4 X'..': a literal without quote, "$(" or backslash inside. */
static void hex_literal(sds_buf *b, const char *s)
{
  static const char hx[]= "0123456789ABCDEF";
  sds_buf_adds(b, "_utf8mb4 X'");
  for (; *s; s++)
  {
    sds_buf_addc(b, hx[(unsigned char) *s >> 4]);
    sds_buf_addc(b, hx[(unsigned char) *s & 15]);
  }
  sds_buf_addc(b, '\'');
}

/* The rows of one company in a company-routed table: a WHERE on alias t
   with COMPANY_PH for the company's name (tabCompany.name), the table's
   initial_load_select without the arms of shared documents, as side on
   runs it. 0 when the table has none the statements can carry (checked
   on the text a branch runs: the one with no database name). */
static int company_where(gen *g, const sds_doctype *dt, const sds_decision *d,
                         enum side on, sds_buf *where)
{
  sds_buf ext;
  int ok;
  enum side save= g->on;
  sds_buf_init(&ext);
  g->one_company= 1;
  g->nph= 0;
  g->on= on;
  company_texts(g, dt, d, &ext, where);
  g->on= save;
  g->one_company= 0;
  ok= g->nph > 0 && !ext.oom && !where->oom && strchr(where->data, 1) &&
      (on == ON_RUNTIME && g->site_cat ? 1 : sent_names_ok(where->data));
  if (ext.oom || where->oom)
    g->oom= 1;
  sds_buf_free(&ext);
  return ok;
}

/* {"trigger_id", "table_name", "ord", "where"}: what sds_map_company loads
   and sds_unmap_company deletes at a branch (sql/install/22_moves.sql).
   ord: the order of the deletes, rows that find their document through
   another table's row (Dynamic Links, then child rows) before it.
   In the runtime layout "where" runs in R (the master's load of the
   company, the row check), so it names the site's tables with S, and
   "where_branch" is the same WHERE for the delete a branch runs (SQL
   events of sds_unmap_company), its site tables named with
   "$(catalogName)." (see ON_BRANCH). */
/* out = in with every BRANCH_CAT_PH made BRANCH_CAT_TOKEN (after
   sent_names_ok() has checked in). */
static void branch_catalogs(const char *in, sds_buf *out)
{
  const char *p;
  while ((p= strchr(in, BRANCH_CAT_PH[0])))
  {
    sds_buf_add(out, in, (size_t) (p - in));
    sds_buf_adds(out, BRANCH_CAT_TOKEN);
    in= p + 1;
  }
  sds_buf_adds(out, in);
}

static void company_where_row(gen *g, const sds_table *t, const sds_doctype *dt,
                              const sds_decision *d)
{
  sds_buf w, wb;
  int ord= d->source == SDS_SRC_DYNAMIC ? 1 : d->source == SDS_SRC_PARENT ? 2
         : d->source == SDS_SRC_FIELD ? 3 : 4;
  int ok;
  sds_buf_init(&w);
  sds_buf_init(&wb);
  if (g->site_cat)
  {
    ok= company_where(g, dt, d, ON_BRANCH, &wb);
    if (ok)
      company_where(g, dt, d, ON_RUNTIME, &w);
    if (w.oom)
      ok= 0;
  }
  else
    ok= company_where(g, dt, d, ON_RUNTIME, &w);
  if (ok)
  {
    sds_buf_adds(&g->cw, g->ncw++ ? ",\n{" : "\n{");
    sds_buf_adds(&g->cw, "\"trigger_id\":");
    sds_buf_json_strz(&g->cw, d->trigger_id);
    sds_buf_adds(&g->cw, ",\"table_name\":");
    sds_buf_json_strz(&g->cw, t->name);
    sds_buf_printf(&g->cw, ",\"ord\":%d,\"where\":", ord);
    sds_buf_json_strz(&g->cw, w.data);
    if (g->site_cat)
    {
      sds_buf_reset(&w);
      branch_catalogs(wb.data, &w);
      sds_buf_adds(&g->cw, ",\"where_branch\":");
      sds_buf_json_strz(&g->cw, w.data);
      if (w.oom)
        g->oom= 1;
    }
    sds_buf_addc(&g->cw, '}');
  }
  sds_buf_free(&w);
  sds_buf_free(&wb);
}

/* A branch node s (alias of sym_node) hosts the company key in var. */
static void node_hosts(gen *g, sds_buf *b, const char *var)
{
  sds_buf_printf(b, "(%s = " KEY_ALL " or exists (select 1 from ", var);
  qobj(g, b, "sds_company_route");
  sds_buf_printf(b, " r where r.`company_key` = %s and r.`node_external_id` = "
                    "convert(s.`external_id` using utf8mb4) collate "
                    "utf8mb4_unicode_ci))", var);
}

/* One line of the moved row's events: event type ev on the table of
   trigger tid, for the rows where (text of a WHERE, as a string literal)
   followed by the document's name, as a hex literal built at run time
   from column col of the old or the new row. */
static void move_event(gen *g, sds_buf *b, char ev, int ord, const char *tid,
                       const char *where, const char *row, const char *col)
{
  sds_buf_printf(b, " union all select '%c', %d, ", ev, ord);
  sds_quote_literalz(b, tid);
  sds_buf_adds(b, ", concat(");
  sds_quote_literalz(b, where);
  sds_buf_printf(b, ", '_utf8mb4 X''', hex(%s.", row);
  sds_quote_identz(b, col);
  sds_buf_adds(b, "), '''')");
  (void) g;
}

/* The rows that go with document dt wherever it goes: child rows routed by
   their parent, and Dynamic-Link rows (File, Comment, ...). For each, the
   WHERE on its table, up to the document's name. */
static void move_related(gen *g, sds_buf *b, const sds_doctype *dt, char ev,
                         const char *row)
{
  size_t i, k;
  sds_buf w;
  sds_buf_init(&w);
  for (i= 0; i < g->m->ndoctypes; i++)
  {
    const sds_doctype *c= g->m->doctypes[i];
    const sds_decision *cd= &c->d;
    if (!c->table || !cd->trigger_id || c == dt ||
        !sds_table_has_column(c->table, "name"))
      continue;
    sds_buf_reset(&w);
    if (cd->source == SDS_SRC_PARENT && cd->scope == SDS_SCOPE_CHILD)
    {
      for (k= 0; k < c->nparents && c->parents[k].doctype != dt; k++)
        ;
      if (k == c->nparents)
        continue;
      sds_buf_adds(&w, "`parenttype` = ");
      hex_literal(&w, dt->name);
      sds_buf_adds(&w, " and `parent` = ");
    }
    else if (cd->source == SDS_SRC_DYNAMIC && dt->declared)
    {
      sds_quote_identz(&w, cd->dyn_type_field);
      sds_buf_adds(&w, " = ");
      hex_literal(&w, dt->name);
      sds_buf_adds(&w, " and ");
      sds_quote_identz(&w, cd->dyn_name_field);
      sds_buf_adds(&w, " = ");
    }
    else
      continue;
    if (!sent_names_ok(w.data))
      continue;
    move_event(g, b, ev, ev == 'S' ? 1 : 3, cd->trigger_id, w.data, row,
               "name");
  }
  if (w.oom)
    b->oom= 1;
  sds_buf_free(&w);
}

/* sym_trigger.custom_on_update_text of the master's trigger of a
   company-routed table (SymmetricDS pastes it after the capture insert of
   its UPDATE trigger, MySqlTriggerTemplate): when the row's company key
   changes, SQL events that delete it (and the rows that go with it) at the
   branches that hosted it and no longer do, and reload events that bring
   the rows that go with it to the branches that host it now (the row
   itself arrives there as the UPDATE, applied as an insert). Each event
   is one sym_data row per node, routed by node_list (RouterService:
   node_list restricts the trigger router's target nodes). An ordinary
   UPDATE costs the comparison of the columns the key comes from. NULL
   text for tables without one (tabCompany: its key is its own name). */
static void move_text(gen *g, const sds_table *t, const sds_doctype *dt,
                      const sds_decision *d, sds_buf *out)
{
  sds_buf load;
  const char *c1, *c2= NULL;
  int save= g->ref;
  enum side on= g->on;
  if (!sds_table_has_column(t, "name"))
    return;
  switch (d->source)
  {
  case SDS_SRC_FIELD:
    c1= d->company_field;
    break;
  case SDS_SRC_PARENT:
    c1= "parent", c2= "parenttype";
    break;
  case SDS_SRC_DYNAMIC:
    c1= d->dyn_name_field, c2= d->dyn_type_field;
    break;
  default:
    return;
  }
  sds_buf_init(&load);
  g->on= ON_SITE;
  sds_buf_adds(out, "begin declare sds_ok, sds_nk varchar(50) character set "
                    "utf8mb4 collate utf8mb4_unicode_ci; if not (old.");
  sds_quote_identz(out, c1);
  sds_buf_adds(out, " <=> new.");
  sds_quote_identz(out, c1);
  if (c2)
  {
    sds_buf_adds(out, " and old.");
    sds_quote_identz(out, c2);
    sds_buf_adds(out, " <=> new.");
    sds_quote_identz(out, c2);
  }
  sds_buf_adds(out, ") then set sds_ok = (");
  g->ref= REF_OLD;
  company_texts(g, dt, d, out, &load);
  sds_buf_adds(out, "), sds_nk = (");
  sds_buf_reset(&load);
  g->ref= REF_NEW;
  company_texts(g, dt, d, out, &load);
  g->ref= save;
  sds_buf_adds(out, "); if not (sds_ok <=> sds_nk) then insert into ");
  qobj(g, out, "sym_data");
  sds_buf_adds(out, " (`table_name`, `event_type`, `trigger_hist_id`, "
                    "`row_data`, `channel_id`, `transaction_id`, "
                    "`source_node_id`, `external_data`, `node_list`, "
                    "`create_time`) select h.`source_table_name`, e.ev, "
                    "h.`trigger_hist_id`, if(e.ev = 'S', concat('\"delete "
                    "from $', ");
  /* (the "$" apart: SymmetricDS replaces "$(...)" in the text it builds
     a trigger from) */
  sds_buf_adds(out, g->site_cat ? "'(catalogName).$', '(tableName) where '"
                                : "'(tableName) where '");
  sds_buf_adds(out, ", e.w, '\"'), e.w), '"
                    CHANNEL_DATA "', null, null, null, s.`node_id`, "
                    "current_timestamp from (select 'S' ev, 2 o, ");
  sds_quote_literalz(out, d->trigger_id);
  sds_buf_adds(out, " tid, concat('`name` = _utf8mb4 X''', hex(old.`name`), "
                    "'''') w");
  if (d->scope == SDS_SCOPE_COMPANY)
  {
    move_related(g, out, dt, 'S', "old");
    move_related(g, out, dt, 'R', "new");
  }
  sds_buf_adds(out, ") e join ");
  qobj(g, out, "sym_trigger_hist");
  sds_buf_adds(out, " h on h.`trigger_id` = e.tid and h.`inactive_time` is "
                    "null join ");
  qobj(g, out, "sym_node");
  sds_buf_adds(out, " s on s.`node_group_id` = ");
  sds_quote_literalz(out, g->branch);
  sds_buf_adds(out, " and if(e.ev = 'S', ");
  node_hosts(g, out, "sds_ok");
  sds_buf_adds(out, " and not ");
  node_hosts(g, out, "sds_nk");
  sds_buf_adds(out, ", ");
  node_hosts(g, out, "sds_nk");
  sds_buf_adds(out, " and not ");
  node_hosts(g, out, "sds_ok");
  sds_buf_adds(out, ") order by e.o, s.`node_id`; end if; end if; end;");
  g->on= on;
  if (load.oom)
    out->oom= 1;
  sds_buf_free(&load);
}

/* ---- rows ---------------------------------------------------------------- */

static void node_group(gen *g, const char *id, const char *desc)
{
  row_begin(g, "sym_node_group");
  col_s(g, "node_group_id", id);
  col_s(g, "description", desc);
  row_end(g);
}

static void link_row(gen *g, const char *src, const char *tgt,
                     const char *action)
{
  row_begin(g, "sym_node_group_link");
  col_s(g, "source_node_group_id", src);
  col_s(g, "target_node_group_id", tgt);
  col_s(g, "data_event_action", action);
  row_end(g);
}

static void channel_row(gen *g, const char *id, int order, int reload,
                        const char *desc)
{
  row_begin(g, "sym_channel");
  col_s(g, "channel_id", id);
  col_i(g, "processing_order", order);
  col_i(g, "max_batch_size", 10000);
  col_i(g, "max_batch_to_send", 60);
  col_s(g, "batch_algorithm", "default");
  col_i(g, "reload_flag", reload);
  col_s(g, "description", desc);
  row_end(g);
}

/* target_catalog_name and use_source_catalog_schema: written in the
   runtime layout only (the columns are not in the classic layout's rows).
   A batch names its table's catalog: the router's target catalog if set,
   else, with use_source_catalog_schema (SymmetricDS's default: 1), the
   trigger's source catalog (ColumnsAccordingToTriggerHistory). The
   master's triggers name S there, which a branch (its own database, of
   another name) does not have: 0, so that a batch without a target
   catalog is written into the receiving node's default database. */
static void router_row(gen *g, const char *id, const char *src,
                       const char *tgt, const char *type, const char *expr,
                       const char *desc, const char *target_catalog)
{
  row_begin(g, "sym_router");
  col_s(g, "router_id", id);
  col_s(g, "source_node_group_id", src);
  col_s(g, "target_node_group_id", tgt);
  col_s(g, "router_type", type);
  col_s(g, "router_expression", expr);
  col_s(g, "description", desc);
  if (g->site_cat)
  {
    col_s(g, "target_catalog_name", target_catalog);
    col_i(g, "use_source_catalog_schema", 0);
  }
  row_end(g);
}

static void trigger_router_row(gen *g, const char *trigger_id,
                               const char *router_id, int order,
                               const char *load_select)
{
  row_begin(g, "sym_trigger_router");
  col_s(g, "trigger_id", trigger_id);
  col_s(g, "router_id", router_id);
  col_i(g, "initial_load_order", order);
  col_s(g, "initial_load_select", load_select);
  row_end(g);
}

static void conflict_row(gen *g, const char *id, const char *src,
                         const char *tgt, const char *table,
                         const char *detect, const char *expr)
{
  row_begin(g, "sym_conflict");
  col_s(g, "conflict_id", id);
  col_s(g, "source_node_group_id", src);
  col_s(g, "target_node_group_id", tgt);
  col_s(g, "target_channel_id", CHANNEL_DATA);
  col_s(g, "target_table_name", table);
  col_s(g, "detect_type", detect);
  col_s(g, "detect_expression", expr);
  col_s(g, "resolve_type", "NEWER_WINS");
  col_s(g, "ping_back", "OFF");
  col_i(g, "resolve_row_only", 1);
  row_end(g);
}

/* Per-node settings in tabSingles that must not travel. */
static const char singles_condition_new[]=
  "coalesce(new.`field`, '') not in ('enable_scheduler', "
  "'scheduler_last_event')";
static const char singles_condition_old[]=
  "coalesce(old.`field`, '') not in ('enable_scheduler', "
  "'scheduler_last_event')";

/* ---- what a branch may send (docs/upward.md) ----------------------------

   The master takes no routing from a branch. Rows of these DocTypes (and
   of child DocTypes all of whose parents are among them) flow from the
   master to the branches only: they decide how DocTypes are classified
   (metadata), who may do what (users, roles, permissions, passwords), or
   run as code or templates at the node that stores them. A branch gets no
   capture trigger for them, and the master refuses them when a branch
   sends them anyway (load filters below). */
static const char *const master_only_doctypes[]= {
  /* metadata: the replication plan is computed from these */
  "DocType", "DocField", "DocPerm", "DocType Link", "DocType Action",
  "DocType State", "Custom Field", "Property Setter", "Custom DocPerm",
  "Module Def",
  /* identity and permissions */
  "User", "Has Role", "Role", "Role Profile", "User Permission",
  "User Type", "Module Profile", "OAuth Client", "Social Login Key",
  /* code and templates that run where they are stored */
  "Server Script", "Client Script", "Report", "Print Format", "Notification",
  "Webhook", "Workflow", "Workflow State", "Workflow Action Master",
  NULL
};

/* Tables without a DocType that flow from the master only. */
static const char *const master_only_tables[]= {
  "__Auth",                     /* password hashes and secrets */
  NULL
};

static int in_list(const char *const *list, const char *name)
{
  for (; *list; list++)
    if (strcmp(*list, name) == 0)
      return 1;
  return 0;
}

static int master_only_doctype(const sds_doctype *dt, int depth)
{
  size_t i;
  if (in_list(master_only_doctypes, dt->name))
    return 1;
  if (!dt->istable || !dt->nparents || depth > 4)
    return 0;
  for (i= 0; i < dt->nparents; i++)
    if (!master_only_doctype(dt->parents[i].doctype, depth + 1))
      return 0;
  return 1;
}

static int master_only(const sds_table *t, const sds_doctype *dt)
{
  return dt ? master_only_doctype(dt, 0) : in_list(master_only_tables, t->name);
}

#define FILTER_DEFAULT "sds_in_default"

static void load_filter_row(gen *g, const char *id, const char *table,
                            int ins, int upd, int del, const char *script,
                            int order)
{
  row_begin(g, "sym_load_filter");
  col_s(g, "load_filter_id", id);
  col_s(g, "load_filter_type", "SQL");
  col_s(g, "source_node_group_id", g->branch);
  col_s(g, "target_node_group_id", g->master);
  col_s(g, "target_table_name", table);
  col_i(g, "filter_on_insert", ins);
  col_i(g, "filter_on_update", upd);
  col_i(g, "filter_on_delete", del);
  col_s(g, "before_write_script", script);
  col_i(g, "load_filter_order", order);
  /* an error (a parameter the batch lacks, a failing lookup) stops the
     batch rather than letting the row through */
  col_i(g, "fail_on_error", 1);
  row_end(g);
}

/* The company keys the branch that sent the batch may write: its
   companies' keys and '~all' (shared data). SymmetricDS's loader sets
   @sync_node_disabled to the sending node's id on its connection for the
   whole batch (MySqlSymmetricDialect.disableSyncTriggers, called by
   DefaultDataLoaderFactory); the branch cannot choose it (it is the node
   the batch was authenticated as). */
static void allowed_keys(gen *g, sds_buf *b)
{
  sds_buf_adds(b, "(select '~all' union all select r.`company_key` from ");
  qobj(g, b, "sds_company_route");
  sds_buf_adds(b, " r where r.`node_external_id` = (select convert("
                  "s.`external_id` using utf8mb4) collate utf8mb4_unicode_ci "
                  "from ");
  qobj(g, b, "sym_node");
  sds_buf_adds(b, " s where s.`node_id` = convert(@sync_node_disabled using "
                  "utf8mb4) collate utf8mb4_unicode_ci))");
}

/* 1 when the master has no row named by the parameter p, or its row's
   company key is allowed. The IN is evaluated inside the row's subquery,
   on a key that is never NULL: MariaDB 10.11 answered 0, not NULL, for
   "(subquery without a row) IN (select ... union all select ... where
   ... = (select ... @sync_node_disabled))" on an ERPNext site (seen in
   tests/e2e step 4, every branch row refused). */
static void existing_key(gen *g, sds_buf *b, const sds_table *t,
                         const sds_doctype *dt, const sds_decision *d,
                         const char *p)
{
  sds_buf load;
  sds_buf_init(&load);
  g->ref= REF_ROW;
  sds_buf_adds(b, "coalesce((select (");
  company_texts(g, dt, d, b, &load);
  sds_buf_adds(b, ") in ");
  allowed_keys(g, b);
  sds_buf_adds(b, " from ");
  qtab(g, b, t->name);
  sds_buf_printf(b, " x0 where x0.`name` = :%s ), 1)", p);
  g->ref= REF_TRIGGER;
  sds_buf_free(&load);
}

/* Scripts of the load filters of a company-owned table: the row the
   branch sends, and the master's row it would change (by the new name and
   by the old one, which SymmetricDS's writer uses to find the row when the
   batch carries old data), must both be of one of the branch's companies
   or shared. tabCompany: the branch must not change its company's key. */
static void company_scripts(gen *g, const sds_table *t, const sds_doctype *dt,
                            const sds_decision *d, sds_buf *ins, sds_buf *upd,
                            sds_buf *del)
{
  sds_buf n, load;
  sds_buf_init(&n);
  sds_buf_init(&load);
  g->on= ON_RUNTIME;
  g->ref= REF_PARAM;
  sds_buf_adds(&n, "(");
  company_texts(g, dt, d, &n, &load);
  sds_buf_adds(&n, ") in ");
  allowed_keys(g, &n);
  g->ref= REF_TRIGGER;
  if (d->source == SDS_SRC_SELF)
  {
    sds_buf_adds(&n, " and :abbr <=> (select c.`abbr` from ");
    qtab(g, &n, "tabCompany");
    sds_buf_adds(&n, " c where c.`name` = :name )");
  }
  sds_buf_adds(ins, "select ");
  sds_buf_add(ins, n.data, n.len);
  sds_buf_adds(ins, " and ");
  existing_key(g, ins, t, dt, d, "name");
  sds_buf_adds(upd, "select ");
  sds_buf_add(upd, n.data, n.len);
  sds_buf_adds(upd, " and ");
  existing_key(g, upd, t, dt, d, "name");
  sds_buf_adds(upd, " and ");
  existing_key(g, upd, t, dt, d, "OLD_name");
  sds_buf_adds(del, "select ");
  existing_key(g, del, t, dt, d, "name");
  sds_buf_adds(del, " and ");
  existing_key(g, del, t, dt, d, "OLD_name");
  if (n.oom || load.oom)
    ins->oom= 1;
  sds_buf_free(&n);
  sds_buf_free(&load);
}

/* Load filters of one table a branch may send: 0 when written, 1 when the
   table cannot be checked (it then does not flow up at all). */
static int up_filters(gen *g, const sds_table *t, const sds_decision *d,
                      const sds_doctype *dt)
{
  sds_buf ins, upd, del, id;
  int company= d->scope == SDS_SCOPE_COMPANY || d->scope == SDS_SCOPE_CHILD;
  int rc= 0;
  const char *ev= "iud";
  int k;
  sds_buf_init(&ins);
  sds_buf_init(&upd);
  sds_buf_init(&del);
  sds_buf_init(&id);
  sds_buf_adds(&id, "sds_in_");
  sds_slug(&id, t->name, strlen(t->name), 30);
  sds_buf_printf(&id, "_%08x", sds_fnv1a(t->name, strlen(t->name)));
  if (!company)
  {
    /* shared data: any branch may change it */
    load_filter_row(g, id.data, t->name, 1, 1, 1, "select 1", 2);
    goto end;
  }
  g->param_bad= 0;
  if (!dt || !sds_table_has_column(t, "name"))
    rc= 1;
  else
    company_scripts(g, t, dt, d, &ins, &upd, &del);
  if (rc || g->param_bad || !script_names_ok(ins.data) ||
      !script_names_ok(upd.data) || !script_names_ok(del.data))
  {
    rc= 1;
    goto end;
  }
  for (k= 0; k < 3; k++)
  {
    size_t base= id.len;
    sds_buf_printf(&id, "_%c", ev[k]);
    load_filter_row(g, id.data, t->name, k == 0, k == 1, k == 2,
                    k == 0 ? ins.data : k == 1 ? upd.data : del.data, 2);
    if (id.oom)
      break;
    id.len= base;
    id.data[base]= 0;
  }
end:
  if (ins.oom || upd.oom || del.oom || id.oom)
    g->oom= 1;
  sds_buf_free(&ins);
  sds_buf_free(&upd);
  sds_buf_free(&del);
  sds_buf_free(&id);
  return rc;
}

/* external_select (ON_SITE) and initial_load_select (ON_RUNTIME) of a
   company-routed table: one pass in the classic layout, where they name
   nothing differently; in the runtime layout one pass per side. */
static void trigger_and_load(gen *g, const sds_doctype *dt,
                             const sds_decision *d, sds_buf *ext,
                             sds_buf *load)
{
  sds_buf skip;
  if (!g->site_cat)
  {
    company_texts(g, dt, d, ext, load);
    return;
  }
  sds_buf_init(&skip);
  g->on= ON_SITE;
  company_texts(g, dt, d, ext, &skip);
  sds_buf_reset(&skip);
  g->on= ON_RUNTIME;
  company_texts(g, dt, d, &skip, load);
  if (skip.oom)
    ext->oom= 1;
  sds_buf_free(&skip);
}

/* source_catalog_name of a sym_trigger row in the runtime layout (the
   column is not written in the classic layout): S for the master's
   trigger of a site table (SymmetricDS builds it on S's table, its
   connection being on R); for a branch's, BRANCH_SITE_TOKEN, the branch's
   own site database; NULL for frappe_sds's own tables (the compare
   answers), which are in the node's runtime database. */
static void source_catalog(gen *g, const char *catalog)
{
  if (g->site_cat)
    col_s(g, "source_catalog_name", catalog);
}

static void table_rows(gen *g, const sds_table *t, const sds_decision *d,
                       const sds_doctype *dt)
{
  sds_buf ext, load, desc, cid, mv;
  int company= d->scope == SDS_SCOPE_COMPANY || d->scope == SDS_SCOPE_CHILD;
  int singles= d->scope == SDS_SCOPE_SINGLES;
  const char *links[2][2]= {{NULL, NULL}, {NULL, NULL}};
  int k;
  sds_buf_init(&ext);
  sds_buf_init(&load);
  sds_buf_init(&desc);
  sds_buf_init(&cid);
  sds_buf_init(&mv);
  if (company)
  {
    trigger_and_load(g, dt, d, &ext, &load);
    move_text(g, t, dt, d, &mv);
    company_where_row(g, t, dt, d);
  }
  sds_buf_printf(&desc, SDS_OWNER ": %s", sds_scope_name(d->scope));
  if (company)
  {
    sds_buf_adds(&desc, ", company from ");
    sds_decision_source(&desc, d);
  }

  /* The master's trigger: SymmetricDS builds on a node the triggers that
     have a trigger router whose router's source group is the node's group
     (TriggerRouterService, activeTriggersForSourceNodeGroupSql), so this
     row, routed master -> branch only, is built on the master only. */
  row_begin(g, "sym_trigger");
  col_s(g, "trigger_id", d->trigger_id);
  col_s(g, "source_table_name", t->name);
  col_s(g, "channel_id", CHANNEL_DATA);
  col_s(g, "reload_channel_id", CHANNEL_RELOAD);
  /* the master passes a branch's change on to the other nodes of the
     same company: it must capture rows its loader writes (section 2) */
  col_i(g, "sync_on_incoming_batch", singles ? 0 : 1);
  col_s(g, "external_select", company ? ext.data : NULL);
  col_s(g, "sync_on_insert_condition", singles ? singles_condition_new : NULL);
  col_s(g, "sync_on_update_condition", singles ? singles_condition_new : NULL);
  col_s(g, "sync_on_delete_condition", singles ? singles_condition_old : NULL);
  col_s(g, "custom_on_update_text", mv.len ? mv.data : NULL);
  col_s(g, "description", desc.data);
  source_catalog(g, g->site_cat);
  row_end(g);

  /* global and company data load before child rows */
  k= d->scope == SDS_SCOPE_CHILD ? 30 : d->scope == SDS_SCOPE_COMPANY ? 20
                                                                      : 10;
  trigger_router_row(g, d->trigger_id, company ? ROUTER_COMPANY : ROUTER_ALL,
                     k, company ? load.data : NULL);
  /* settings flow from the master only, and so do the DocTypes that
     decide routing, rights or code (see master_only_doctypes); a table
     whose rows the master cannot check does not flow up either */
  if (!singles && !master_only(t, dt) && up_filters(g, t, d, dt) == 0)
  {
    /* The branches' trigger (built on branches only: its one router goes
       branch -> master): no company lookup (the default router needs no
       key), and no capture of rows the loader writes (a branch's only
       target is the master, which they came from). Its id is the
       master's with a suffix no slug has. */
    sds_buf_reset(&cid);
    sds_buf_adds(&cid, d->trigger_id);
    sds_buf_adds(&cid, SDS_UP_SUFFIX);
    row_begin(g, "sym_trigger");
    col_s(g, "trigger_id", cid.data);
    col_s(g, "source_table_name", t->name);
    col_s(g, "channel_id", CHANNEL_DATA);
    col_s(g, "reload_channel_id", CHANNEL_RELOAD);
    col_i(g, "sync_on_incoming_batch", 0);
    col_s(g, "external_select", NULL);
    col_s(g, "sync_on_insert_condition", NULL);
    col_s(g, "sync_on_update_condition", NULL);
    col_s(g, "sync_on_delete_condition", NULL);
    col_s(g, "custom_on_update_text", NULL);
    sds_buf_adds(&desc, "; branch capture");
    col_s(g, "description", desc.data);
    source_catalog(g, BRANCH_SITE_TOKEN);
    row_end(g);
    trigger_router_row(g, cid.data, ROUTER_UP, k, NULL);
  }

  /* tables without Frappe's modified column cannot resolve by it */
  if (!sds_table_has_column(t, "modified"))
  {
    links[0][0]= g->branch, links[0][1]= g->master;
    links[1][0]= g->master, links[1][1]= g->branch;
    for (k= 0; k < 2; k++)
    {
      sds_buf_reset(&cid);
      sds_buf_adds(&cid, k ? "sds_dn_" : "sds_up_");
      sds_slug(&cid, t->name, strlen(t->name), 30);
      sds_buf_printf(&cid, "_%08x", sds_fnv1a(t->name, strlen(t->name)));
      conflict_row(g, cid.data, links[k][0], links[k][1], t->name,
                   "USE_CHANGED_DATA", NULL);
    }
  }
  if (ext.oom || load.oom || desc.oom || cid.oom || mv.oom)
    g->oom= 1;
  sds_buf_free(&mv);
  sds_buf_free(&ext);
  sds_buf_free(&load);
  sds_buf_free(&desc);
  sds_buf_free(&cid);
}

/* sds_compare (sql/install/58_compare.sql, docs/operations.md "Comparing
   a branch"): a branch's answers are rows of sds_compare_answer, written
   at the branch by the compare's SQL events and sent up by a capture
   trigger of their own, on a channel of their own (a failing check blocks
   no data). The master's trigger row captures nothing (conditions 1=0):
   it exists for the table's trigger_hist, which the compare's events ride
   (its create event makes the branch create the table and build the
   branch trigger at once: ConfigurationChangedDatabaseWriterFilter). Never
   in a load (initial_load_order -1). The master takes an answer only as
   an insert carrying the id of the node that sent the batch. */
static void compare_rows(gen *g)
{
  int k;
  for (k= 0; k < 2; k++)
  {
    row_begin(g, "sym_trigger");
    col_s(g, "trigger_id", k ? COMPARE_TABLE SDS_UP_SUFFIX : COMPARE_TABLE);
    col_s(g, "source_table_name", COMPARE_TABLE);
    col_s(g, "channel_id", CHANNEL_COMPARE);
    col_s(g, "reload_channel_id", CHANNEL_RELOAD);
    col_i(g, "sync_on_incoming_batch", 0);
    col_s(g, "external_select", NULL);
    col_s(g, "sync_on_insert_condition", k ? NULL : "1=0");
    col_s(g, "sync_on_update_condition", k ? NULL : "1=0");
    col_s(g, "sync_on_delete_condition", k ? NULL : "1=0");
    col_s(g, "custom_on_update_text", NULL);
    col_s(g, "description", k ? SDS_OWNER ": sds_compare answers, branch capture"
                              : SDS_OWNER ": sds_compare answers (captures nothing)");
    source_catalog(g, NULL);
    row_end(g);
    /* the answers land in the master's sds_compare_answer, in R in the
       runtime layout: not through sds_b2m, which writes into S */
    trigger_router_row(g, k ? COMPARE_TABLE SDS_UP_SUFFIX : COMPARE_TABLE,
                       !k ? ROUTER_ALL : g->site_cat ? ROUTER_UP_RT : ROUTER_UP,
                       -1, NULL);
  }
  load_filter_row(g, "sds_in_" COMPARE_TABLE, COMPARE_TABLE, 1, 0, 0,
                  "select convert(:node_id using utf8mb4) collate utf8mb4_bin = "
                  "convert(@sync_node_disabled using utf8mb4) collate utf8mb4_bin",
                  2);
}

static int param_error(gen *g, const char *what, const char *v)
{
  sds_buf *e= &g->m->err;
  if (e->len == 0)
  {
    sds_buf_printf(e, "sds_setup: %s ", what);
    if (v)
    {
      sds_buf_addc(e, '\'');
      sds_buf_adds(e, v);
      sds_buf_addc(e, '\'');
    }
    else
      sds_buf_adds(e, "NULL");
  }
  return -1;
}

/* What the SQL API must say it reads (sds__setup_compute's 'X' row
   "config_api"): 2 = a trigger row per side, ids <id> and <id>.up. (The
   sym_load_filter array came later without a new number: an install.sql
   that ignores it only sends less upward.) An older
   install.sql still in the site (the server restarted with a new library,
   its worker syncing before install.sql ran) would write rows it does not
   understand: it gets an error instead, and writes nothing. */
#define SDS_CONFIG_API 2

/* site_catalog / runtime_catalog: a database name the texts can carry.
   As for db: not empty, at most 64 characters (MariaDB's limit), no "$("
   (SymmetricDS substitutes it in every text); and no control character
   or invalid UTF-8 (sds_column_name_problem). Backticks and quotes are
   quoted, except that the site's name, in the load filters' scripts,
   must be read alike by SymmetricDS's parameter parser (script_names_ok:
   no quote, ':', '&' or comment opener), or no company-owned table could
   flow up. */
static int catalog_error(gen *g, const char *param, const char *v)
{
  sds_buf what, q;
  const char *p= sds_column_name_problem(v, strlen(v));
  int bad= 0;
  sds_buf_init(&what);
  sds_buf_init(&q);
  if (!p && strcmp(param, "site_catalog") == 0)
  {
    sds_quote_identz(&q, v);
    if (q.oom)
      bad= 1;
    else if (!script_names_ok(q.data))
      p= "SymmetricDS's load filters would read a quote, ':', '&' or a "
         "comment opener in it as their own syntax";
  }
  if (p)
  {
    sds_buf_printf(&what, "%s (the %s database of the runtime layout) is not "
                          "a usable name: %s; got", param,
                   param[0] == 's' ? "site" : "runtime", p);
    bad= what.oom ? 1 : param_error(g, what.data, v);
  }
  sds_buf_free(&what);
  sds_buf_free(&q);
  return bad;
}

static int check_catalogs(gen *g)
{
  const char *s= sds_meta_param(g->m, "site_catalog"),
             *r= sds_meta_param(g->m, "runtime_catalog");
  if (!s && !r)
    return 0;                   /* the classic layout */
  if (!s || !r)
    return param_error(g, s ? "site_catalog needs runtime_catalog (the "
                              "runtime layout has both), got only site_catalog"
                            : "runtime_catalog needs site_catalog (the "
                              "runtime layout has both), got only "
                              "runtime_catalog", s ? s : r);
  if (catalog_error(g, "site_catalog", s) ||
      catalog_error(g, "runtime_catalog", r))
    return -1;
  if (strcmp(s, r) == 0)
    return param_error(g, "site_catalog and runtime_catalog must be two "
                          "databases, both are", s);
  g->site_cat= s;
  g->rt_cat= r;
  return 0;
}

static int check_params(gen *g)
{
  const char *api= sds_meta_param(g->m, "config_api");
  if (!api || atoi(api) != SDS_CONFIG_API)
  {
    if (g->m->err.len == 0)
      sds_buf_adds(&g->m->err,
                   "frappe_sds: the loaded frappe_sds library is newer than this "
                   "site's install.sql; run the library's install.sql on the site "
                   "(nothing was written)");
    return -1;
  }
  g->db= sds_meta_param(g->m, "db");
  g->master= sds_meta_param(g->m, "master_group");
  g->branch= sds_meta_param(g->m, "branch_group");
  if (!g->db || !g->db[0])
    return param_error(g, "needs the site database name, got", g->db);
  if (sds_has_template(g->db, strlen(g->db)))
    return param_error(g, "SymmetricDS would substitute the '$(' in the "
                          "database name", g->db);
  if (!g->master || !sds_node_id_ok(g->master, strlen(g->master)))
    return param_error(g, "master group must be 1-50 characters of "
                          "[A-Za-z0-9_.-], got", g->master);
  if (!g->branch || !sds_node_id_ok(g->branch, strlen(g->branch)))
    return param_error(g, "branch group must be 1-50 characters of "
                          "[A-Za-z0-9_.-], got", g->branch);
  if (strcmp(g->master, g->branch) == 0)
    return param_error(g, "master and branch groups must differ, both are",
                       g->master);
  if (check_catalogs(g))
    return -1;
  if (!sds_meta_table(g->m, "tabCompany") ||
      !sds_table_has_column(sds_meta_table(g->m, "tabCompany"), "abbr"))
  {
    /* a Frappe site without ERPNext: nothing is company-owned, which the
       plan already says; company routing needs tabCompany.abbr */
    size_t i;
    for (i= 0; i < g->m->ndoctypes; i++)
    {
      sds_doctype *d= g->m->doctypes[i];
      if (d->declared && d->table &&
          (d->d.scope == SDS_SCOPE_COMPANY || d->d.scope == SDS_SCOPE_CHILD))
        return param_error(g, "company-owned tables need tabCompany with "
                              "column abbr; first one is", d->name);
    }
  }
  return 0;
}

char *sds_config_json(sds_meta *m, size_t *len)
{
  gen g;
  sds_buf out;
  size_t i;
  int oom;
  memset(&g, 0, sizeof(g));
  g.m= m;
  sds_buf_init(&out);
  for (i= 0; i < NSYM; i++)
    sds_buf_init(&g.tab[i]);
  sds_buf_init(&g.cw);
  if (sds_meta_plan(m) || check_params(&g))
  {
    sds_buf_adds(&out, "{\"error\":");
    sds_buf_json_strz(&out, m->err.len ? m->err.data : "frappe_sds: out of memory");
    sds_buf_addc(&out, '}');
    sds_buf_free(&g.cw);
    return sds_buf_steal(&out, len);
  }
  node_group(&g, g.master, SDS_OWNER ": master (registration) node group");
  node_group(&g, g.branch, SDS_OWNER ": branch node group");
  /* branches push, the master waits for them to pull: branches make
     every connection (they may be behind NAT) */
  link_row(&g, g.branch, g.master, "P");
  link_row(&g, g.master, g.branch, "W");
  /* one data channel: a Frappe transaction spans modules (a submitted
     Sales Invoice writes Accounts and Stock tables) and SymmetricDS does
     not keep transactions across channels (section 7) */
  channel_row(&g, CHANNEL_DATA, 10, 0,
              SDS_OWNER ": all Frappe data, so transactions stay whole");
  channel_row(&g, CHANNEL_RELOAD, 1, 1,
              SDS_OWNER ": initial loads and reloads of Frappe tables");
  channel_row(&g, CHANNEL_COMPARE, 20, 0,
              SDS_OWNER ": sds_compare's checks, answers and repairs");
  /* LOOKUP_TABLE: read on the master's connection (R in the runtime
     layout, where sds_company_route is): unqualified in both layouts.
     Master -> branch routers have no target catalog: branches keep their
     tables in their own default database. */
  router_row(&g, ROUTER_COMPANY, g.master, g.branch, "lookuptable",
             "LOOKUP_TABLE=sds_company_route KEY_COLUMN=EXTERNAL_DATA "
             "LOOKUP_KEY_COLUMN=company_key EXTERNAL_ID_COLUMN=node_external_id "
             "ALL_NODES_VALUE=~all",
             SDS_OWNER ": master to the branches hosting the row's company",
             NULL);
  router_row(&g, ROUTER_ALL, g.master, g.branch, "default", NULL,
             SDS_OWNER ": master to every branch (shared data)", NULL);
  /* runtime layout: a branch's rows are Frappe's, the master's Frappe
     tables are in S, and a batch without a catalog would be written into
     the master's default database R (ColumnsAccordingToTriggerHistory) */
  router_row(&g, ROUTER_UP, g.branch, g.master, "default", NULL,
             SDS_OWNER ": everything a branch changes goes to the master",
             g.site_cat);
  if (g.site_cat)
    router_row(&g, ROUTER_UP_RT, g.branch, g.master, "default", NULL,
               SDS_OWNER ": a branch's rows of frappe_sds's own tables (the "
               "compare answers) to the master's runtime database, where "
               "those tables are (no target catalog: the master's default "
               "database)", NULL);
  /* The master takes no row from a branch unless a filter of its table
     says so: SymmetricDS applies the table-less (wildcard) filters before
     the table's own, and the last script that answers decides
     (DynamicDatabaseWriterFilter, SQLDatabaseWriterFilter). */
  load_filter_row(&g, FILTER_DEFAULT, NULL, 1, 1, 1, "select 0", 1);
  conflict_row(&g, "sds_up_modified", g.branch, g.master, NULL,
               "USE_TIMESTAMP", "modified");
  conflict_row(&g, "sds_dn_modified", g.master, g.branch, NULL,
               "USE_TIMESTAMP", "modified");
  for (i= 0; i < m->ntables; i++)
  {
    sds_table *t= m->tables[i];
    sds_doctype *dt= t->doctype;
    sds_decision *d= dt ? &dt->d : &m->table_d[i];
    if (d->trigger_id)
      table_rows(&g, t, d, dt);
  }
  compare_rows(&g);
  /* {"sym_node_group":[...], ..., "plan":[...]}: the plan it was made
     from, for sds_plan (one pass over the input) */
  oom= g.oom;
  for (i= 0; i < NSYM; i++)
  {
    sds_buf_adds(&out, i ? "\n],\"" : "{\"");
    sds_buf_adds(&out, sym_tables[i]);
    sds_buf_adds(&out, "\":[");
    sds_buf_add(&out, g.tab[i].data, g.tab[i].len);
    oom|= g.tab[i].oom;
    sds_buf_free(&g.tab[i]);
  }
  /* the rows of one company per table (sds_map_company, sds_unmap_company) */
  sds_buf_adds(&out, "\n],\"sds_company_where\":[");
  if (g.cw.len)
    sds_buf_add(&out, g.cw.data, g.cw.len);
  oom|= g.cw.oom;
  sds_buf_free(&g.cw);
  sds_buf_adds(&out, "\n],\"plan\":[");
  sds_meta_plan_rows(m, &out);
  sds_buf_adds(&out, "]}");
  if (out.oom || oom)
  {
    sds_buf_free(&out);
    return NULL;
  }
  return sds_buf_steal(&out, len);
}
