/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Unit tests of the generated SymmetricDS rows: texts SymmetricDS will
   paste into triggers and load selects, parameters and their errors. */
#include "sds_test.h"
#include "sds_test_meta.h"
#include "../../core/sds_config.h"

#include <stdlib.h>

static sds_meta *site(const char *master, const char *branch)
{
  sds_meta *m= sds_meta_new();
  doctype(m, "Company", "");
  field(m, "Company", "abbr", "Data", NULL);
  doctype(m, "Sales Invoice", "");
  field(m, "Sales Invoice", "company", "Link", "Company");
  field(m, "Sales Invoice", "taxes", "Table", "Sales Taxes and Charges");
  doctype(m, "Item", "");
  field(m, "Item", "taxes", "Table", "Sales Taxes and Charges");
  doctype(m, "Sales Taxes and Charges", "t");
  doctype(m, "File", "");
  field(m, "File", "attached_to_doctype", "Link", "DocType");
  field(m, "File", "attached_to_name", "Dynamic Link", "attached_to_doctype");
  doctype(m, "Communication", "");
  field(m, "Communication", "reference_doctype", "Link", "DocType");
  field(m, "Communication", "reference_name", "Dynamic Link",
        "reference_doctype");
  field(m, "Communication", "timeline_links", "Table", "Communication Link");
  doctype(m, "Communication Link", "t");
  feed(m, 'T', "tabSingles", "BASE TABLE", NULL, NULL, NULL, NULL);
  feed(m, 'K', "tabSingles", "doctype", "", NULL, NULL, NULL);
  feed(m, 'X', "db", "site`1", NULL, NULL, NULL, NULL);
  feed(m, 'X', "config_api", "2", NULL, NULL, NULL, NULL);
  if (master)
    feed(m, 'X', "master_group", master, NULL, NULL, NULL, NULL);
  if (branch)
    feed(m, 'X', "branch_group", branch, NULL, NULL, NULL, NULL);
  return m;
}

/* The small site of the stored expectation tests/unit/config_classic.json
   (the output of the generator before the runtime layout, commit 72d14bc):
   every kind of text the generator writes, at least once. s, r: the
   site_catalog and runtime_catalog parameters, NULL for none. */
static sds_meta *golden_site(const char *s, const char *r)
{
  sds_meta *m= sds_meta_new();
  doctype(m, "Company", "");
  field(m, "Company", "abbr", "Data", NULL);
  doctype(m, "Sales Invoice", "");
  field(m, "Sales Invoice", "company", "Link", "Company");
  field(m, "Sales Invoice", "items", "Table", "Sales Invoice Item");
  doctype(m, "Sales Invoice Item", "t");
  doctype(m, "Item", "");
  field(m, "Item", "taxes", "Table", "Sales Taxes and Charges");
  field(m, "Sales Invoice", "taxes", "Table", "Sales Taxes and Charges");
  doctype(m, "Sales Taxes and Charges", "t");
  doctype(m, "File", "");
  field(m, "File", "attached_to_doctype", "Link", "DocType");
  field(m, "File", "attached_to_name", "Dynamic Link", "attached_to_doctype");
  doctype(m, "User", "");
  feed(m, 'T', "tabSingles", "BASE TABLE", NULL, NULL, NULL, NULL);
  feed(m, 'K', "tabSingles", "doctype", "", NULL, NULL, NULL);
  feed(m, 'X', "db", "site", NULL, NULL, NULL, NULL);
  feed(m, 'X', "config_api", "2", NULL, NULL, NULL, NULL);
  feed(m, 'X', "master_group", "master", NULL, NULL, NULL, NULL);
  feed(m, 'X', "branch_group", "branch", NULL, NULL, NULL, NULL);
  if (s)
    feed(m, 'X', "site_catalog", s, NULL, NULL, NULL, NULL);
  if (r)
    feed(m, 'X', "runtime_catalog", r, NULL, NULL, NULL, NULL);
  return m;
}

/* the stored file next to this source, whole; NULL when unreadable */
static char *stored(const char *name, size_t *len)
{
  char path[4096];
  const char *slash= strrchr(__FILE__, '/');
  FILE *f;
  char *data;
  long n;
  snprintf(path, sizeof(path), "%.*s%s", slash ? (int) (slash - __FILE__ + 1) : 0,
           __FILE__, name);
  if (!(f= fopen(path, "rb")))
    return NULL;
  fseek(f, 0, SEEK_END);
  n= ftell(f);
  fseek(f, 0, SEEK_SET);
  data= malloc((size_t) n + 1);
  if (data && fread(data, 1, (size_t) n, f) != (size_t) n)
  {
    free(data);
    data= NULL;
  }
  if (data)
    data[n]= 0, *len= (size_t) n;
  fclose(f);
  return data;
}

/* Without site_catalog and runtime_catalog the output is, byte for byte,
   what it was before they existed. */
static void test_classic_unchanged(void)
{
  size_t n= 0, want_n= 0;
  sds_meta *m= golden_site(NULL, NULL);
  char *j= sds_config_json(m, &n), *want= stored("config_classic.json", &want_n);
  CHECK(want != NULL);
  CHECK(j != NULL);
  if (j && want)
  {
    size_t i;
    for (i= 0; i < n && i < want_n && j[i] == want[i]; i++)
      ;
    CHECK(n == want_n && i == n);
    if (i < n || n != want_n)
      fprintf(stderr, "test_config: output differs from config_classic.json at "
              "byte %zu: [%.200s] want [%.200s]\n", i, j + i,
              i < want_n ? want + i : "");
  }
  free(j);
  free(want);
  sds_meta_free(m);
}

/* ---- the runtime layout (site_catalog S, runtime_catalog R) ------------ */

#define S_CAT "_site1"
#define R_CAT "sym__site1"
#define QS "`" S_CAT "`."
#define QR "`" R_CAT "`."

/* The JSON row of table tab whose first column is key = id (text from "{"
   to its "}"), malloc'd; NULL when there is none. */
static char *row_by(const char *j, const char *tab, const char *key,
                    const char *id)
{
  char pat[512];
  const char *p, *e;
  char *r;
  snprintf(pat, sizeof(pat), "{\"t\":\"%s\",\"%s\":\"%s\",", tab, key, id);
  /* a row is one line (JSON strings escape line feeds) */
  if (!(p= strstr(j, pat)) || !(e= strchr(p, '\n')))
    return NULL;
  if (e[-1] == ',')
    e--;
  r= malloc((size_t) (e - p) + 1);
  memcpy(r, p, (size_t) (e - p));
  r[e - p]= 0;
  return r;
}

/* The string value of "key": in a row, JSON escapes kept; malloc'd; NULL
   when the key is absent or null. */
static char *val(const char *row, const char *key)
{
  char pat[128];
  const char *p, *e;
  char *r;
  snprintf(pat, sizeof(pat), "\"%s\":\"", key);
  if (!row || !(p= strstr(row, pat)))
    return NULL;
  p+= strlen(pat);
  for (e= p; *e && *e != '"'; e++)
    if (*e == '\\')
      e++;
  r= malloc((size_t) (e - p) + 1);
  memcpy(r, p, (size_t) (e - p));
  r[e - p]= 0;
  return r;
}

/* Occurrences of the quoted-name opener id (e.g. "`tab") in text that are
   not directly after qual (e.g. "`s`."); a quoted qual itself is skipped. */
static int unqualified(const char *text, const char *id, const char *qual)
{
  size_t lq= strlen(qual), li= strlen(id);
  const char *p= text;
  int n= 0;
  while ((p= strstr(p, id)))
  {
    if (!strncmp(p, qual, lq))
    {
      p+= lq;
      continue;
    }
    if (!((size_t) (p - text) >= lq && !strncmp(p - lq, qual, lq)))
      n++;
    p+= li;
  }
  return n;
}

static int count(const char *text, const char *needle)
{
  int n= 0;
  const char *p= text;
  while (text && (p= strstr(p, needle)))
    n++, p+= strlen(needle);
  return n;
}

/* every row of array tab (its "t" value), one after another */
static const char *next_row(const char *j, const char *tab, const char *from)
{
  char pat[128];
  snprintf(pat, sizeof(pat), "{\"t\":\"%s\",", tab);
  return strstr(from ? from + 1 : j, pat);
}

/* remove every occurrence of needle from s, in place */
static void cut_all(char *s, const char *needle)
{
  size_t l= strlen(needle);
  char *p;
  while ((p= strstr(s, needle)))
    memmove(p, p + l, strlen(p + l) + 1);
}

/* remove every ,"key":"..." / ,"key":null / ,"key":<number> from s */
static void cut_key(char *s, const char *key)
{
  char pat[128];
  char *p, *e;
  snprintf(pat, sizeof(pat), ",\"%s\":", key);
  while ((p= strstr(s, pat)))
  {
    e= p + strlen(pat);
    if (*e == '"')
    {
      for (e++; *e && *e != '"'; e++)
        if (*e == '\\')
          e++;
      e++;
    }
    else
      while (*e && *e != ',' && *e != '}')
        e++;
    memmove(p, e, strlen(e) + 1);
  }
}

static void test_runtime_layout(void)
{
  sds_meta *m= golden_site(S_CAT, R_CAT), *c= golden_site(NULL, NULL);
  char *j= sds_config_json(m, NULL), *cj= sds_config_json(c, NULL);
  const char *p;
  char *r, *v, *cv;
  int master_rows= 0, up_rows= 0, own_rows= 0;
  CHECK(j && strncmp(j, "{\"sym_node_group\":[", 19) == 0);
  CHECK(cj != NULL);
  if (!j || !cj)
    return;

  /* sym_trigger: source_catalog_name S on the master's rows of site
     tables; the branches' (.up) rows the token each branch replaces with
     its own site database; frappe_sds's own table NULL */
  for (p= NULL; (p= next_row(j, "sym_trigger", p));)
  {
    char *id= val(p, "trigger_id");
    int up= id && strstr(id, ".up") != NULL,
        own= id && !strncmp(id, "sds_compare_answer", 18);
    char *sc, *row= row_by(j, "sym_trigger", "trigger_id", id);
    sc= val(row, "source_catalog_name");
    if (own)
    {
      CHECK_HAS(row, ",\"source_catalog_name\":null}");
      own_rows++;
    }
    else if (up)
    {
      CHECK_STR(sc, "$(frappe_sds.site.db)");
      up_rows++;
    }
    else
    {
      CHECK_STR(sc, S_CAT);
      master_rows++;
    }
    free(sc);
    free(id);
    free(row);
  }
  CHECK(master_rows == 8 && up_rows == 6 && own_rows == 2);
  if (!(master_rows == 8 && up_rows == 6 && own_rows == 2))
    fprintf(stderr, "rows %d %d %d\n", master_rows, up_rows, own_rows);

  /* routers: target catalog S on sds_b2m only; sds_b2m_rt into R (no
     catalog); no batch takes the trigger's source catalog */
  r= row_by(j, "sym_router", "router_id", "sds_b2m");
  CHECK_HAS(r, "\"source_node_group_id\":\"branch\",\"target_node_group_id\":"
               "\"master\",\"router_type\":\"default\"");
  CHECK_HAS(r, ",\"target_catalog_name\":\"" S_CAT "\","
               "\"use_source_catalog_schema\":0}");
  free(r);
  r= row_by(j, "sym_router", "router_id", "sds_b2m_rt");
  CHECK_HAS(r, "{\"t\":\"sym_router\",\"router_id\":\"sds_b2m_rt\","
               "\"source_node_group_id\":\"branch\",\"target_node_group_id\":"
               "\"master\",\"router_type\":\"default\",\"router_expression\":"
               "null,\"description\":\"frappe_sds: ");
  CHECK_HAS(r, "runtime database");
  CHECK_HAS(r, ",\"target_catalog_name\":null,\"use_source_catalog_schema\":0}");
  free(r);
  r= row_by(j, "sym_router", "router_id", "sds_m2b_company");
  CHECK_HAS(r, "\"router_expression\":\"LOOKUP_TABLE=sds_company_route ");
  CHECK_HAS(r, ",\"target_catalog_name\":null,\"use_source_catalog_schema\":0}");
  free(r);
  r= row_by(j, "sym_router", "router_id", "sds_m2b_all");
  CHECK_HAS(r, ",\"target_catalog_name\":null,\"use_source_catalog_schema\":0}");
  free(r);
  CHECK(count(j, "{\"t\":\"sym_router\",") == 4);
  CHECK(count(j, "\"target_catalog_name\":\"") == 1);
  /* the compare answers go up by sds_b2m_rt, the site's rows by sds_b2m */
  CHECK_HAS(j, "{\"t\":\"sym_trigger_router\",\"trigger_id\":"
               "\"sds_compare_answer.up\",\"router_id\":\"sds_b2m_rt\",");
  CHECK_HAS(j, "{\"t\":\"sym_trigger_router\",\"trigger_id\":"
               "\"tabsales_invoice.up\",\"router_id\":\"sds_b2m\",");
  CHECK(count(j, "\"router_id\":\"sds_b2m_rt\"") == 2);   /* row + 1 use */

  /* texts on R: initial_load_select, the load filters' scripts, "where":
     every site table as `S`.`tab...`, sds_* / sym_* unqualified */
  {
    int texts= 0, tabs= 0;
    for (p= NULL; (p= next_row(j, "sym_trigger_router", p));)
    {
      char *id= val(p, "trigger_id");
      r= row_by(j, "sym_trigger_router", "trigger_id", id);
      v= val(r, "initial_load_select");
      if (v)
      {
        texts++;
        tabs+= count(v, QS "`tab");
        CHECK(unqualified(v, "`tab", QS) == 0);
        CHECK(strstr(v, R_CAT) == NULL);
        CHECK(count(v, "`sds_company_route`") ==
              unqualified(v, "`sds_company_route`", QR));
        CHECK(strstr(v, "`sds_company_route` r where") != NULL);
      }
      free(v);
      free(r);
      free(id);
    }
    CHECK(texts == 5 && tabs >= 3);
    if (!(texts == 5 && tabs >= 3))
      fprintf(stderr, "load selects %d %d\n", texts, tabs);
    texts= tabs= 0;
    for (p= NULL; (p= next_row(j, "sym_load_filter", p));)
    {
      char *id= val(p, "load_filter_id");
      r= row_by(j, "sym_load_filter", "load_filter_id", id);
      v= val(r, "before_write_script");
      texts++;
      tabs+= count(v, QS "`tab");
      CHECK(v && unqualified(v, "`tab", QS) == 0);
      CHECK(v && strstr(v, R_CAT) == NULL);
      CHECK(count(v, QS "`s") == 0);
      free(v);
      free(r);
      free(id);
    }
    CHECK(texts == 18 && tabs > 30);
    if (!(texts == 18 && tabs > 30))
      fprintf(stderr, "filters %d %d\n", texts, tabs);
    CHECK_HAS(j, "from " QS "`tabCompany` k where k.`name` = :company  and");
    CHECK_HAS(j, " from `sds_company_route` r where r.`node_external_id` = "
                 "(select convert(s.`external_id` using utf8mb4) collate "
                 "utf8mb4_unicode_ci from `sym_node` s where");
    CHECK_HAS(j, "from " QS "`tabSales Invoice` x0 where x0.`name` = :OLD_name ), 1)");
    CHECK_HAS(j, "(t.`parenttype` = 'Sales Invoice' and t.`parent` in (select "
                 "p.`name` from " QS "`tabSales Invoice` p where p.`company` in "
                 "(select r.`company` from `sds_company_route` r where "
                 "r.`node_external_id` = '$(externalId)')))");
  }

  /* texts in the capture triggers on S: external_select as in the classic
     layout; the move text reads Frappe's tables unqualified and names
     every sym_* / sds_* object with R */
  {
    int moves= 0, exts= 0;
    for (p= NULL; (p= next_row(j, "sym_trigger", p));)
    {
      char *id= val(p, "trigger_id"), *cr;
      r= row_by(j, "sym_trigger", "trigger_id", id);
      cr= row_by(cj, "sym_trigger", "trigger_id", id);
      v= val(r, "external_select");
      cv= val(cr, "external_select");
      CHECK((v == NULL) == (cv == NULL));
      if (v && cv)
      {
        exts++;
        CHECK_STR(v, cv);
      }
      free(v);
      free(cv);
      v= val(r, "custom_on_update_text");
      if (v)
      {
        moves++;
        CHECK(strstr(v, QS) == NULL);
        CHECK(unqualified(v, "`sym_", QR) == 0);
        CHECK(unqualified(v, "`sds_", QR) == 0);
        CHECK(count(v, QR "`tab") == 0);
        CHECK(count(v, "`tabCompany` k") >= 2);
        CHECK(count(v, QR "`sym_data`") == 1);
        CHECK(count(v, QR "`sym_trigger_hist` h") == 1);
        CHECK(count(v, QR "`sym_node` s") == 1);
        CHECK(count(v, QR "`sds_company_route` r") == 4);
      }
      free(v);
      v= val(r, "sync_on_update_condition");
      cv= val(cr, "sync_on_update_condition");
      CHECK((v == NULL) == (cv == NULL));
      if (v && cv)
        CHECK_STR(v, cv);
      free(v);
      free(cv);
      free(r);
      free(cr);
      free(id);
    }
    CHECK(exts == 5 && moves == 4);
    if (!(exts == 5 && moves == 4))
      fprintf(stderr, "trigger texts %d %d\n", exts, moves);
    CHECK_HAS(j, "insert into " QR "`sym_data` (`table_name`,");
  }

  /* sds_company_where: "where" on R (S-qualified), "where_branch" the
     classic text a branch runs */
  {
    int rows= 0;
    for (p= strstr(j, "\"sds_company_where\":["); p && (p= strstr(p + 1, "{\"trigger_id\":\""));)
    {
      char *id= val(p, "trigger_id"), pat[256];
      const char *cp;
      char *w, *wb, *cw;
      if (strstr(p, "\"plan\":[") && strstr(p, "\"plan\":[") < strstr(p, "}"))
        break;
      snprintf(pat, sizeof(pat), "{\"trigger_id\":\"%s\",\"table_name\"", id);
      cp= strstr(cj, pat);
      w= val(p, "where");
      wb= val(p, "where_branch");
      cw= val(cp, "where");
      if (!w || !strstr(p, "\"table_name\""))
      {
        free(id), free(w), free(wb), free(cw);
        break;
      }
      rows++;
      /* the classic text, each site table named "$(catalogName)." */
      {
        char *x= wb ? strdup(wb) : NULL;
        if (x)
          cut_all(x, "$(catalogName).");
        CHECK_STR(x, cw ? cw : "");
        free(x);
      }
      CHECK(unqualified(w, "`tab", QS) == 0);
      CHECK(wb && strstr(wb, S_CAT) == NULL);
      free(id), free(w), free(wb), free(cw);
    }
    CHECK(rows == 5);
    CHECK_HAS(j, "\"where\":\"(t.`parenttype` = _utf8mb4 X'53616C657320496E766F696365' "
                 "and t.`parent` in (select p.`name` from " QS "`tabSales Invoice` p "
                 "where p.`company` in (\\u0001)))\",\"where_branch\":\"(t.`parenttype` "
                 "= _utf8mb4 X'53616C657320496E766F696365' and t.`parent` in (select "
                 "p.`name` from $(catalogName).`tabSales Invoice` p where p.`company` in (\\u0001)))\"}");
  }

  /* and nothing else differs from the classic layout: without the
     qualifiers, the new columns, sds_b2m_rt and its use, the output is
     the classic one */
  {
    char *rt= row_by(j, "sym_router", "router_id", "sds_b2m_rt");
    if (rt)
    {
      char buf[1200];
      snprintf(buf, sizeof(buf), ",\n%s", rt);
      cut_all(j, buf);
    }
    free(rt);
    cut_all(j, QS);
    cut_all(j, QR);
    /* the delete a move sends names the branch's site database */
    cut_all(j, "'(catalogName).$', ");
    cut_key(j, "source_catalog_name");
    cut_key(j, "target_catalog_name");
    cut_key(j, "use_source_catalog_schema");
    cut_key(j, "where_branch");
    {
      char *q;
      while ((q= strstr(j, "\"sds_b2m_rt\"")))
        memmove(q + 8, q + 11, strlen(q + 11) + 1);   /* "sds_b2m" */
    }
    CHECK_STR(j, cj);
  }
  free(j);
  free(cj);
  sds_meta_free(m);
  sds_meta_free(c);
}

/* quoting: a backtick in either name is doubled, a quote in R is quoted */
static void test_catalog_quoting(void)
{
  sds_meta *m= golden_site("s`1", "r`'x");
  char *j= sds_config_json(m, NULL);
  CHECK(j && strncmp(j, "{\"sym_node_group\":[", 19) == 0);
  CHECK_HAS(j, "from `s``1`.`tabSales Invoice` p where p.`company` in (select "
               "r.`company` from `sds_company_route` r");
  CHECK_HAS(j, "insert into `r``'x`.`sym_data` (");
  CHECK_HAS(j, "\"target_catalog_name\":\"s`1\"");
  CHECK_HAS(j, "\"source_catalog_name\":\"s`1\"");
  /* the up filters are still written */
  CHECK_HAS(j, "\"load_filter_id\":\"sds_in_tabsales_invoice_");
  free(j);
  sds_meta_free(m);
  /* 64 characters, counted as MariaDB counts them (64 x U+6587 = 192 bytes) */
  {
    char s64[64 * 3 + 1], r64[65];
    int i;
    for (i= 0; i < 64; i++)
      memcpy(s64 + 3 * i, "\xe6\x96\x87", 3);
    s64[192]= 0;
    memset(r64, 'r', 64);
    r64[64]= 0;
    m= golden_site(s64, r64);
    j= sds_config_json(m, NULL);
    CHECK(j && strncmp(j, "{\"sym_node_group\":[", 19) == 0);
    free(j);
    sds_meta_free(m);
  }
}

/* what the generator refuses, with a clear error and no rows */
static void test_catalog_errors(void)
{
  static const char *const bad[][3]= {
    {S_CAT, NULL, "site_catalog needs runtime_catalog"},
    {NULL, R_CAT, "runtime_catalog needs site_catalog"},
    {"", R_CAT, "site_catalog (the site database of the runtime layout) is "
                "not a usable name: empty name; got ''"},
    {S_CAT, "", "runtime_catalog (the runtime database of the runtime layout) "
                "is not a usable name: empty name"},
    {"a$(x)", R_CAT, "site_catalog (the site database of the runtime layout) is "
                     "not a usable name: SymmetricDS would substitute the '$(' "
                     "template marker in the name; got 'a$(x)'"},
    {S_CAT, "sym_$(externalId)", "runtime_catalog (the runtime database of the "
                                 "runtime layout) is not a usable name: "
                                 "SymmetricDS would substitute"},
    {"s1234567890123456789012345678901234567890123456789012345678901234",
     R_CAT, "site_catalog (the site database of the runtime layout) is not a "
            "usable name: name longer than 64 characters"},
    {S_CAT, "r1234567890123456789012345678901234567890123456789012345678901234",
     "runtime_catalog (the runtime database of the runtime layout) is not a "
     "usable name: name longer than 64 characters"},
    {"s'1", R_CAT, "site_catalog (the site database of the runtime layout) is "
                   "not a usable name: SymmetricDS's load filters would read a "
                   "quote"},
    {"s:1", R_CAT, "SymmetricDS's load filters would read"},
    {"s--1", R_CAT, "SymmetricDS's load filters would read"},
    {"s\n1", R_CAT, "control character"},
    {S_CAT, "r\x01", "runtime_catalog (the runtime database of the runtime "
                     "layout) is not a usable name: control character"},
    {S_CAT, S_CAT, "site_catalog and runtime_catalog must be two databases, "
                   "both are '_site1'"},
  };
  size_t i;
  for (i= 0; i < sizeof(bad) / sizeof(bad[0]); i++)
  {
    sds_meta *m= golden_site(bad[i][0], bad[i][1]);
    char *j= sds_config_json(m, NULL);
    CHECK_HAS(j, "{\"error\":\"sds_setup: ");
    CHECK_HAS(j, bad[i][2]);
    CHECK(j && strstr(j, "sym_trigger") == NULL);
    free(j);
    sds_meta_free(m);
  }
}

int main(void)
{
  sds_meta *m;
  char *j;
  test_classic_unchanged();
  test_runtime_layout();
  test_catalog_quoting();
  test_catalog_errors();
  m= site("master", "branch");
  j= sds_config_json(m, NULL);
  CHECK(j != NULL);
  /* groups, links, channels, routers */
  CHECK_HAS(j, "{\"t\":\"sym_node_group_link\",\"source_node_group_id\":"
               "\"branch\",\"target_node_group_id\":\"master\","
               "\"data_event_action\":\"P\"}");
  CHECK_HAS(j, "\"target_node_group_id\":\"branch\",\"data_event_action\":"
               "\"W\"}");
  CHECK_HAS(j, "\"channel_id\":\"frappe_reload\",\"processing_order\":1,"
               "\"max_batch_size\":10000,\"max_batch_to_send\":60,"
               "\"batch_algorithm\":\"default\",\"reload_flag\":1");
  CHECK_HAS(j, "KEY_COLUMN=EXTERNAL_DATA");
  CHECK_HAS(j, "ALL_NODES_VALUE=~all");
  /* company table: key by abbr, never NULL, no database name (a branch
     builds the same text in its own, differently named database) */
  CHECK_HAS(j, "\"trigger_id\":\"tabsales_invoice\",\"source_table_name\":"
               "\"tabSales Invoice\",\"channel_id\":\"frappe\"");
  CHECK_HAS(j, "select coalesce((select k.`abbr` from `tabCompany`"
               " k where k.`name` = $(curTriggerValue).$(curColumnPrefix)"
               "`company` and char_length(k.`abbr`) between 1 and 50 and "
               "k.`abbr` not like '~%' limit 1), '~none')");
  CHECK_HAS(j, "t.`company` in (select r.`company` from "
               "`sds_company_route` r where r.`node_external_id` ="
               " '$(externalId)')");
  /* child with a company parent and a global parent */
  CHECK_HAS(j, "case $(curTriggerValue).$(curColumnPrefix)`parenttype` when"
               " 'Sales Invoice' then ");
  CHECK_HAS(j, "else case when $(curTriggerValue).$(curColumnPrefix)"
               "`parenttype` in ('Item') then '~all' end end, '~none')");
  CHECK_HAS(j, "(t.`parenttype` = 'Sales Invoice' and t.`parent` in (select"
               " p.`name` from `tabSales Invoice` p where "
               "p.`company` in ");
  CHECK_HAS(j, " or t.`parenttype` in ('Item')");
  /* dynamic link: attached files */
  CHECK_HAS(j, "case $(curTriggerValue).$(curColumnPrefix)"
               "`attached_to_doctype` when 'Company' then ");
  CHECK_HAS(j, "coalesce(t.`attached_to_doctype`, '') = '' or "
               "t.`attached_to_doctype` in ('Item')");
  /* a child whose only parent follows a Dynamic Link: no empty CASE */
  CHECK(strstr(j, "`parenttype` end") == NULL);
  CHECK_HAS(j, "\"trigger_id\":\"tabcommunication_link\",\"source_table_name\":"
               "\"tabCommunication Link\",\"channel_id\":\"frappe\",\"reload_channel_id\""
               ":\"frappe_reload\",\"sync_on_incoming_batch\":1,\"external_select\":"
               "\"select coalesce(NULL, '~none')\"");
  CHECK(strstr(j, "site") == NULL);
  /* branches capture with their own trigger row: no company lookup, no
     capture of loaded rows, routed up only; the master's row is routed
     down only (SymmetricDS builds a node the triggers routed from its
     group) */
  CHECK_HAS(j, "\"trigger_id\":\"tabsales_invoice.up\",\"source_table_name\":"
               "\"tabSales Invoice\",\"channel_id\":\"frappe\",\"reload_channel_id\""
               ":\"frappe_reload\",\"sync_on_incoming_batch\":0,\"external_select\":null");
  CHECK_HAS(j, "\"trigger_id\":\"tabsales_invoice.up\",\"router_id\":\"sds_b2m\"");
  CHECK(strstr(j, "\"trigger_id\":\"tabsales_invoice\",\"router_id\":\"sds_b2m\"")
        == NULL);
  CHECK(strstr(j, "\"trigger_id\":\"tabsingles.up\"") == NULL);
  /* singles: master to branches only, per-node fields kept back */
  CHECK_HAS(j, "\"trigger_id\":\"tabsingles\"");
  CHECK_HAS(j, "not in ('enable_scheduler', 'scheduler_last_event')");
  CHECK(strstr(j, "\"trigger_id\":\"tabsingles\",\"router_id\":\"sds_b2m\"")
        == NULL);
  CHECK_HAS(j, "\"trigger_id\":\"tabsingles\",\"router_id\":\"sds_m2b_all\"");
  /* conflicts: modified wins; tables without it get their own rule */
  CHECK_HAS(j, "\"detect_type\":\"USE_TIMESTAMP\",\"detect_expression\":"
               "\"modified\",\"resolve_type\":\"NEWER_WINS\",\"ping_back\":"
               "\"OFF\"");
  CHECK_HAS(j, "\"target_table_name\":\"tabSingles\",\"detect_type\":"
               "\"USE_CHANGED_DATA\"");
  /* no text pastes a company name or anything with "$(" besides the
     variables SymmetricDS is meant to substitute */
  {
    const char *p= j;
    int bad= 0;
    while ((p= strstr(p, "$(")))
    {
      if (strncmp(p, "$(curTriggerValue)", 18) &&
          strncmp(p, "$(curColumnPrefix)", 18) &&
          strncmp(p, "$(externalId)", 13))
        bad++;
      p+= 2;
    }
    CHECK(bad == 0);
  }
  free(j);
  sds_meta_free(m);

  /* what the master takes from a branch (docs/upward.md) */
  m= site("master", "branch");
  doctype(m, "Property Setter", "");
  field(m, "Property Setter", "doc_type", "Link", "DocType");
  doctype(m, "User", "");
  field(m, "User", "roles", "Table", "Has Role");
  doctype(m, "Has Role", "t");
  doctype(m, "A:B", "");                  /* ':' would start a parameter */
  field(m, "A:B", "company", "Link", "Company");
  doctype(m, "Odd", "");                  /* '-' would end one */
  field(m, "Odd", "co-x", "Link", "Company");
  j= sds_config_json(m, NULL);
  CHECK(j != NULL);
  /* the default refuses, fails loudly */
  CHECK_HAS(j, "{\"t\":\"sym_load_filter\",\"load_filter_id\":\"sds_in_default\","
               "\"load_filter_type\":\"SQL\",\"source_node_group_id\":\"branch\","
               "\"target_node_group_id\":\"master\",\"target_table_name\":null,"
               "\"filter_on_insert\":1,\"filter_on_update\":1,\"filter_on_delete\":1,"
               "\"before_write_script\":\"select 0\",\"load_filter_order\":1,"
               "\"fail_on_error\":1}");
  /* shared: taken */
  CHECK_HAS(j, "\"target_table_name\":\"tabItem\",\"filter_on_insert\":1,"
               "\"filter_on_update\":1,\"filter_on_delete\":1,"
               "\"before_write_script\":\"select 1\"");
  /* company-owned: the sent row's key and the master's row's key, by the
     sending node (@sync_node_disabled) */
  CHECK_HAS(j, "\"before_write_script\":\"select (select coalesce((select "
               "k.`abbr` from `tabCompany` k where k.`name` = :company  and");
  CHECK_HAS(j, "in (select '~all' union all select r.`company_key` from "
               "`sds_company_route` r where r.`node_external_id` = (select "
               "convert(s.`external_id` using utf8mb4) collate "
               "utf8mb4_unicode_ci from `sym_node` s where s.`node_id` = "
               "convert(@sync_node_disabled using utf8mb4) collate "
               "utf8mb4_unicode_ci))");
  CHECK_HAS(j, "from `tabSales Invoice` x0 where x0.`name` = :OLD_name ), 1)");
  /* the master's row: IN inside its subquery (never NULL IN ...) */
  CHECK_HAS(j, "coalesce((select (select coalesce((select k.`abbr` from "
               "`tabCompany` k where k.`name` = x0.`company` and");
  CHECK_HAS(j, "k.`name` = x0.`company` and");
  CHECK_HAS(j, "case :parenttype  when 'Sales Invoice' then");
  CHECK_HAS(j, " and :abbr <=> (select c.`abbr` from `tabCompany` c where "
               "c.`name` = :name )");
  CHECK_HAS(j, "\"load_filter_id\":\"sds_in_tabsales_invoice_");
  /* metadata and identity: no branch trigger, no filter of their own */
  CHECK_HAS(j, "\"trigger_id\":\"tabproperty_setter\"");
  CHECK(strstr(j, "tabproperty_setter.up") == NULL);
  CHECK(strstr(j, "sds_in_tabproperty_setter") == NULL);
  CHECK(strstr(j, "tabuser.up") == NULL);
  CHECK(strstr(j, "tabhas_role.up") == NULL);
  CHECK(strstr(j, "sds_in_tabhas_role") == NULL);
  /* names the parameter parser would misread: not sent up at all */
  CHECK_HAS(j, "\"source_table_name\":\"tabA:B\"");
  CHECK(strstr(j, "\"target_table_name\":\"tabA:B\"") == NULL);
  CHECK(strstr(j, "taba_b.up") == NULL);
  CHECK_HAS(j, "\"source_table_name\":\"tabOdd\"");
  CHECK(strstr(j, "\"target_table_name\":\"tabOdd\"") == NULL);
  CHECK(strstr(j, "tabodd.up") == NULL);
  free(j);
  sds_meta_free(m);

  /* moves (docs/routing.md, "Moves"): the master's company-routed
     triggers get a custom_on_update_text; sds_company_where has each
     table's rows of one company (\u0001 = the company) */
  m= site("master", "branch");
  doctype(m, "Semi;Colon", "");           /* ';' would split a SQL event */
  field(m, "Semi;Colon", "company", "Link", "Company");
  field(m, "Semi;Colon", "items", "Table", "Semi Item");
  doctype(m, "Semi Item", "t");
  j= sds_config_json(m, NULL);
  CHECK(j != NULL);
  /* a document: compares its company column, then the keys; deletes it,
     its child rows and its File / Communication rows where it left, loads
     the rows that go with it where it arrived; never "$(" */
  CHECK_HAS(j, "\"custom_on_update_text\":\"begin declare sds_ok, sds_nk "
               "varchar(50) character set utf8mb4 collate utf8mb4_unicode_ci; "
               "if not (old.`company` <=> new.`company`) then set sds_ok = "
               "(select coalesce((select k.`abbr` from `tabCompany` k where "
               "k.`name` = old.`company` and");
  CHECK_HAS(j, "concat('\\\"delete from $', '(tableName) where ', e.w, "
               "'\\\"'), e.w), 'frappe', null, null, null, s.`node_id`");
  CHECK_HAS(j, "select 'S' ev, 2 o, 'tabsales_invoice' tid, concat('`name` = "
               "_utf8mb4 X''', hex(old.`name`), '''') w union all select 'S', "
               "1, 'tabsales_taxes_and_charges', concat('`parenttype` = "
               "_utf8mb4 X''53616C657320496E766F696365'' and `parent` = ', "
               "'_utf8mb4 X''', hex(old.`name`), '''')");
  CHECK_HAS(j, "union all select 'R', 3, 'tabfile', concat('`attached_to_doctype` "
               "= _utf8mb4 X''53616C657320496E766F696365'' and `attached_to_name` "
               "= ', '_utf8mb4 X''', hex(new.`name`), '''')");
  CHECK_HAS(j, "join `sym_node` s on s.`node_group_id` = 'branch' and if(e.ev = 'S', "
               "(sds_ok = '~all' or exists (select 1 from `sds_company_route` r "
               "where r.`company_key` = sds_ok and");
  {
    const char *p= j;
    int n= 0, texts= 0;
    while ((p= strstr(p, "custom_on_update_text\":\"begin")))
    {
      const char *e= strstr(p, "end if; end if; end;\"");
      CHECK(e != NULL);
      if (!e)
        break;
      texts++;
      for (; p < e; p++)
        if (p[0] == '$' && p[1] == '(')
          n++;
    }
    CHECK(texts >= 4);
    CHECK(n == 0);
  }
  /* a child row: the row only; tabCompany and shared tables: none */
  CHECK_HAS(j, "if not (old.`parent` <=> new.`parent` and old.`parenttype` "
               "<=> new.`parenttype`) then");
  CHECK_HAS(j, "\"custom_on_update_text\":null,\"description\":\"frappe_sds: "
               "company, company from self:name\"");
  CHECK_HAS(j, "\"custom_on_update_text\":null,\"description\":\"frappe_sds: "
               "global\"");
  /* the rows of one company, in delete order */
  CHECK_HAS(j, "\"sds_company_where\":[");
  CHECK_HAS(j, "{\"trigger_id\":\"tabsales_invoice\",\"table_name\":"
               "\"tabSales Invoice\",\"ord\":3,\"where\":\"t.`company` in "
               "(\\u0001)\"}");
  CHECK_HAS(j, "{\"trigger_id\":\"tabcompany\",\"table_name\":\"tabCompany\","
               "\"ord\":4,\"where\":\"t.`name` in (\\u0001)\"}");
  CHECK_HAS(j, "\"table_name\":\"tabFile\",\"ord\":1,\"where\":\"(t."
               "`attached_to_doctype` = _utf8mb4 X'436F6D70616E79' and t."
               "`attached_to_name` in (\\u0001)) or (t.`attached_to_doctype` = "
               "_utf8mb4 X'53616C657320496E766F696365' and t.`attached_to_name` "
               "in (select p.`name` from `tabSales Invoice` p where p.`company` "
               "in (\\u0001)))\"}");
  /* no arm for shared or unattached rows: those stay */
  {
    const char *w= strstr(j, "\"table_name\":\"tabFile\",\"ord\":1");
    const char *e= w ? strstr(w, "\"}") : NULL;
    CHECK(w && e);
    if (w && e)
    {
      const char *c= strstr(w, "coalesce(");
      CHECK(c == NULL || c > e);
    }
  }
  /* ';' in a name the statement would carry: no row; the table itself is
     $(tableName) and has one */
  CHECK_HAS(j, "\"table_name\":\"tabSemi;Colon\",\"ord\":3");
  CHECK(strstr(j, "{\"trigger_id\":\"tabsemi_item\",\"table_name\"") == NULL);
  free(j);
  sds_meta_free(m);

  /* parameter errors */
  {
    static const char *const bad[][3]= {
      {NULL, "branch", "master group"},
      {"", "branch", "master group"},
      {"ma ster", "branch", "master group"},
      {"master", "br'anch", "branch group"},
      {"x", "x", "must differ"},
      {"~all", "branch", "master group"},
    };
    size_t i;
    for (i= 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
      m= site(bad[i][0], bad[i][1]);
      j= sds_config_json(m, NULL);
      CHECK_HAS(j, "{\"error\":");
      CHECK_HAS(j, bad[i][2]);
      free(j);
      sds_meta_free(m);
    }
  }
  /* an older install.sql (no config_api row) gets an error, no rows */
  m= sds_meta_new();
  doctype(m, "Company", "");
  field(m, "Company", "abbr", "Data", NULL);
  feed(m, 'X', "db", "site", NULL, NULL, NULL, NULL);
  feed(m, 'X', "master_group", "master", NULL, NULL, NULL, NULL);
  feed(m, 'X', "branch_group", "branch", NULL, NULL, NULL, NULL);
  j= sds_config_json(m, NULL);
  CHECK_HAS(j, "{\"error\":\"frappe_sds: the loaded frappe_sds library is newer than this "
               "site's install.sql");
  CHECK(strstr(j, "sym_trigger") == NULL);
  free(j);
  sds_meta_free(m);
  return sds_test_finish("test_config");
}
