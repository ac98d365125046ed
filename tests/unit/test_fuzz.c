/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Fuzz of the core with random metadata shapes (issue 12): random
   DocTypes, fields, Table fields making deep chains and cycles, Custom
   Fields, Property Setters, rules and parameters, with names that mix
   ASCII, quotes, backticks, backslashes, "$(", non-ASCII, invalid UTF-8,
   very long and empty strings. For each model, the plan and the
   configuration must come back as well-formed JSON, either a result or
   {"error": "<one of the documented prefixes> ..."}; no scope may be
   empty; the SQL texts SymmetricDS substitutes may contain no "$(" but
   the ones frappe_sds writes on purpose. Half the models also get the
   runtime layout's site_catalog / runtime_catalog (sometimes one of them,
   sometimes random names): its configuration must be an error exactly
   when the same model's classic one is (or name the catalogs), and have
   the same rows plus the router sds_b2m_rt. Runs SDS_FUZZ_SECONDS (default
   5) from seed SDS_FUZZ_SEED (default: the clock; printed, to replay). */
#include "sds_test.h"
#include "sds_test_meta.h"
#include "../../core/sds_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static unsigned long long rs;
static unsigned rnd(unsigned n)
{
  rs^= rs << 13;
  rs^= rs >> 7;
  rs^= rs << 17;
  return n ? (unsigned) (rs % n) : 0;
}

static const char *const pieces[]= {
  "Sales", "Invoice", "Item", "company", "Company", " ", "'", "\"", "`",
  "\\", "$(", "$(externalId)", "$(curTriggerValue)", ")", ",", "*", "!",
  "~", "%", "_", "-", ".", "\xe6\x96\x87", "\xc3\xa9", "\xf0\x9f\x98\x80",
  "\xff", "\xc3", "\n", "\t", "tab", "sym_", "sds_", "name", "parent",
  "parenttype", "x", "0", NULL};
#define NPIECES (sizeof(pieces) / sizeof(pieces[0]) - 1)

/* a random name into out (NUL-terminated, may be empty) */
static const char *rname(char *out, size_t cap)
{
  size_t n= 0;
  unsigned k= rnd(8) == 0 ? 20 + rnd(40) : 1 + rnd(4);
  out[0]= 0;
  while (k--)
  {
    const char *p= pieces[rnd(NPIECES)];
    size_t l= strlen(p);
    if (n + l + 1 > cap)
      break;
    memcpy(out + n, p, l + 1);
    n+= l;
  }
  return out;
}

static const char *const ftypes[]= {"Data", "Link", "Table",
  "Table MultiSelect", "Dynamic Link", "Select", "Int", ""};
static const char *const scopes[]= {"company", "child", "global", "singles",
  "node_local", "excluded", "bogus", ""};

/* Pool of DocType names: a few fixed (Company, File ...) and random. */
#define MAXDT 400
static char dts[MAXDT][300];
static int ndts;

static const char *pick(void)
{
  return dts[rnd(ndts)];
}

/* random_model(): 0 no catalogs, 1 maybe (random), -1 never (the same
   model as with 1, without them) */
static int with_catalogs;

static sds_meta *random_model(void)
{
  sds_meta *m= sds_meta_new();
  char tab[320], b1[300];
  int i, n, shape= rnd(4);
  if (!m)
    return NULL;
  ndts= 0;
  strcpy(dts[ndts++], "Company");
  strcpy(dts[ndts++], "File");
  strcpy(dts[ndts++], "ToDo");
  n= 2 + rnd(shape == 3 ? MAXDT - 3 : 60);
  while (ndts < n)
    rname(dts[ndts++], 250);
  if (rnd(3))
  {
    doctype(m, "Company", "");
    field(m, "Company", "abbr", "Data", NULL);
  }
  for (i= 1; i < ndts; i++)
  {
    static const char *const fl[]= {"", "t", "t", "s", "v", "n", "t"};
    if (!dts[i][0] && rnd(2))
      continue;
    if (strlen(dts[i]) < 200)
      doctype(m, dts[i], fl[rnd(7)]);
    else
      feed(m, 'D', dts[i], "M", rnd(2) ? "1" : "0", "0", "0", "0");
  }
  /* shape 3: a long chain of child tables, then random extra edges */
  if (shape == 3)
    for (i= 2; i + 1 < ndts; i++)
      feed(m, 'F', dts[i], "rows", "Table", dts[i + 1], NULL, NULL);
  n= rnd(4 * ndts);
  for (i= 0; i < n; i++)
  {
    const char *dt= pick(), *ft= ftypes[rnd(8)];
    const char *opt= NULL;
    char fname[300];
    rname(fname, sizeof(fname));
    if (rnd(6) == 0)
      strcpy(fname, "company");
    if (!strcmp(ft, "Link"))
      opt= rnd(2) ? "Company" : pick();
    else if (!strncmp(ft, "Table", 5))
      opt= pick();
    else if (rnd(4) == 0)
      opt= rname(b1, sizeof(b1));
    feed(m, rnd(4) ? 'F' : 'C', dt, fname, ft, opt, NULL, NULL);
    if (rnd(4) && strncmp(ft, "Table", 5))
    {
      snprintf(tab, sizeof(tab), "tab%s", dt);
      feed(m, 'K', tab, fname, rnd(10) ? "" : "PRI", NULL, NULL, NULL);
    }
  }
  n= rnd(8);
  for (i= 0; i < n; i++)
    feed(m, 'S', pick(), rnd(2) ? "company" : rname(b1, sizeof(b1)),
         rnd(2) ? "options" : "fieldtype",
         rnd(2) ? "Company" : ftypes[rnd(8)], rnd(4) ? "DocField" : NULL,
         NULL);
  n= rnd(3) ? 0 : 1 + rnd(3);
  for (i= 0; i < n; i++)
  {
    char cf[300];
    const char *key= rnd(3) ? pick() : rname(b1, sizeof(b1));
    if (!key[0])
      continue;                 /* the SQL side refuses empty keys */
    feed(m, 'R', key, scopes[rnd(10) ? rnd(6) : rnd(8)],
         rnd(2) ? NULL : (rnd(2) ? "company" : rname(cf, sizeof(cf))),
         rnd(2) ? "note $( ' \"" : NULL, NULL, NULL);
  }
  n= rnd(10);
  for (i= 0; i < n; i++)
  {
    rname(tab, 250);
    if (tab[0])
      feed(m, 'T', tab, rnd(5) ? "BASE TABLE" : "VIEW", NULL, NULL, NULL,
           NULL);
  }
  if (rnd(3))
    feed(m, 'T', "tabSingles", "BASE TABLE", NULL, NULL, NULL, NULL);
  feed(m, 'X', "db", rnd(8) ? "site" : rname(b1, sizeof(b1)), NULL, NULL,
       NULL, NULL);
  if (rnd(8))
    feed(m, 'X', "config_api", "2", NULL, NULL, NULL, NULL);
  feed(m, 'X', "master_group", rnd(8) ? "master" : rname(b1, sizeof(b1)),
       NULL, NULL, NULL, NULL);
  feed(m, 'X', "branch_group", rnd(8) ? "branch" : rname(b1, sizeof(b1)),
       NULL, NULL, NULL, NULL);
  /* last: the same model with and without them */
  if (with_catalogs)
  {
    int k= rnd(16);
    const char *sc= k < 12 ? "_1bd3e0294da19198" : k == 12 ? NULL
                  : rname(b1, sizeof(b1));
    const char *rc= k < 12 ? "sym__1bd3e0294da19198" : k == 13 ? NULL
                  : rname(tab, 250);
    if (with_catalogs > 0 && sc)
      feed(m, 'X', "site_catalog", sc, NULL, NULL, NULL, NULL);
    if (with_catalogs > 0 && rc)
      feed(m, 'X', "runtime_catalog", rc, NULL, NULL, NULL, NULL);
  }
  return m;
}

/* ---- a strict JSON syntax check ------------------------------------- */
static const char *js_value(const char *p);
static const char *js_ws(const char *p)
{
  while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
    p++;
  return p;
}
static const char *js_string(const char *p)
{
  if (*p++ != '"')
    return NULL;
  for (;;)
  {
    unsigned char c= (unsigned char) *p++;
    if (c == '"')
      return p;
    if (c < 0x20)
      return NULL;
    if (c == '\\')
    {
      c= (unsigned char) *p++;
      if (c == 'u')
      {
        int k;
        for (k= 0; k < 4; k++, p++)
          if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
                (*p >= 'A' && *p <= 'F')))
            return NULL;
      }
      else if (!strchr("\"\\/bfnrt", c) || !c)
        return NULL;
    }
  }
}
static const char *js_value(const char *p)
{
  p= js_ws(p);
  if (*p == '"')
    return js_string(p);
  if (*p == '{' || *p == '[')
  {
    char close= *p == '{' ? '}' : ']';
    int obj= *p == '{';
    p= js_ws(p + 1);
    if (*p == close)
      return p + 1;
    for (;;)
    {
      if (obj)
      {
        if (!(p= js_string(js_ws(p))))
          return NULL;
        p= js_ws(p);
        if (*p++ != ':')
          return NULL;
      }
      if (!(p= js_value(p)))
        return NULL;
      p= js_ws(p);
      if (*p == ',')
      {
        p++;
        continue;
      }
      return *p == close ? p + 1 : NULL;
    }
  }
  if (!strncmp(p, "null", 4))
    return p + 4;
  if (*p == '-' || (*p >= '0' && *p <= '9'))
  {
    p++;
    while (*p >= '0' && *p <= '9')
      p++;
    return p;
  }
  return NULL;
}
static int json_ok(const char *j)
{
  const char *e= j ? js_value(j) : NULL;
  return e && *js_ws(e) == '\0';
}

/* "$(" only as the variables frappe_sds writes itself */
static int templates_ok(const char *j)
{
  const char *p= j, *end= strstr(j, ",\"plan\":[");  /* sym_* rows only */
  if (!end)
    return 0;
  while ((p= strstr(p, "$(")) && p < end)
  {
    /* (and the runtime layout's: a branch's trigger rows name its site
       database by its engine file's parameter, a whole value; a branch's
       text names its site tables "$(catalogName).`...`") */
    if (strncmp(p, "$(curTriggerValue)", 18) &&
        strncmp(p, "$(curColumnPrefix)", 18) &&
        strncmp(p, "$(externalId)", 13) &&
        strncmp(p, "$(frappe_sds.site.db)\"", 22) &&
        strncmp(p, "$(catalogName).`", 16))
      return 0;
    p+= 2;
  }
  return 1;
}

static int error_ok(const char *j)
{
  static const char *const prefixes[]= {"{\"error\":\"sds_doctype_rule: ",
    "{\"error\":\"sds_setup: ", "{\"error\":\"frappe_sds: ", NULL};
  int i;
  for (i= 0; prefixes[i]; i++)
    if (!strncmp(j, prefixes[i], strlen(prefixes[i])))
      return strlen(j) < 2000;
  return 0;
}

static unsigned long long models, errors, runtime;

static int rows_of(const char *j, const char *what)
{
  int n= 0;
  const char *p= j;
  while ((p= strstr(p, what)))
    n++, p++;
  return n;
}

/* the classic configuration of the model just made with catalogs (seed):
   error exactly when the runtime one is, unless that one is about the
   catalogs; otherwise the same rows and sds_b2m_rt */
static int runtime_ok(unsigned long long seed, const char *j)
{
  sds_meta *m;
  char *c;
  int rt_err= !strncmp(j, "{\"error\":", 9), ok;
  rs= seed ? seed : 1;
  (void) rnd(2);
  with_catalogs= -1;
  m= random_model();
  with_catalogs= 0;
  if (!m)
    return 1;
  c= sds_config_json(m, NULL);
  sds_meta_free(m);
  if (!c)
    return 1;                   /* out of memory */
  if (rt_err)
    ok= !strncmp(c, "{\"error\":", 9) || strstr(j, "_catalog") != NULL;
  else
  {
    runtime++;
    ok= strncmp(c, "{\"error\":", 9) &&
        rows_of(j, "{\"t\":\"") == rows_of(c, "{\"t\":\"") + 1 &&
        rows_of(j, ",\"where\":") == rows_of(c, ",\"where\":") &&
        rows_of(j, ",\"where_branch\":") == rows_of(c, ",\"where\":") &&
        rows_of(j, "\"router_id\":\"sds_b2m_rt\"") == 2 &&
        rows_of(j, ",\"source_catalog_name\":") ==
          rows_of(j, "{\"t\":\"sym_trigger\",") &&
        rows_of(j, ",\"use_source_catalog_schema\":0") == 4;
  }
  if (!ok)
    fprintf(stderr, "seed %llu classic: %.300s\n", seed, c);
  free(c);
  return ok;
}

static void check_one(unsigned long long seed)
{
  sds_meta *m;
  char *j;
  int config;
  int cat;
  rs= seed ? seed : 1;
  config= rnd(2);
  cat= config && (seed & 2);
  with_catalogs= cat;
  m= random_model();
  with_catalogs= 0;
  if (!m)
    return;
  j= config ? sds_config_json(m, NULL) : sds_meta_plan_json(m, NULL);
  models++;
  CHECK(j != NULL);
  if (j)
  {
    int ok= json_ok(j), isok;
    if (!strncmp(j, "{\"error\":", 9))
    {
      errors++;
      isok= ok && error_ok(j);
    }
    else
      isok= ok && !strstr(j, "\"scope\":\"\"") &&
            (!config || templates_ok(j)) &&
            (strstr(j, "sds_b2m_rt") != NULL) == cat;
    if (isok && cat)
      isok= runtime_ok(seed, j);
    CHECK(isok);
    if (!isok)
      fprintf(stderr, "seed %llu (config=%d): %.600s\n", seed, config, j);
  }
  free(j);
  sds_meta_free(m);
}

int main(void)
{
  const char *s= getenv("SDS_FUZZ_SECONDS"), *sd= getenv("SDS_FUZZ_SEED");
  double secs= s ? atof(s) : 5;
  unsigned long long seed= sd ? strtoull(sd, NULL, 10)
                              : (unsigned long long) time(NULL);
  unsigned long long i;
  time_t end= time(NULL) + (time_t) secs;
  printf("test_fuzz: seed %llu, %.0f s (replay: SDS_FUZZ_SEED=%llu)\n", seed,
         secs, seed);
  for (i= 0; time(NULL) < end || i == 0; i++)
  {
    check_one(seed * 1000003ULL + i);
    if (sds_test_failures > 20)
      break;
  }
  printf("test_fuzz: %llu models, %llu errors, %llu in the runtime layout "
         "(all clear)\n", models, errors, runtime);
  return sds_test_finish("test_fuzz");
}
