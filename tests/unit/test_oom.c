/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Failure injection: every allocation of the core fails in turn (the
   test binary wraps malloc/calloc/realloc/strdup); computing the plan and
   the configuration must then report an error or return NULL — never
   crash, never return a half-written result — and leak nothing (run under
   -DSDS_SANITIZE=ON for the leak check). The configuration is computed in
   both layouts (the runtime layout's catalogs given or not). */
#include "sds_test.h"
#include "sds_test_meta.h"
#include "../../core/sds_config.h"

#include <stdlib.h>

static long fail_at= -1, calls;

void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
char *__real_strdup(const char *);

static int should_fail(void)
{
  return calls++ == fail_at;
}
void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t a, size_t b) { return should_fail() ? NULL : __real_calloc(a, b); }
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return should_fail() ? NULL : __real_strdup(s); }

static int runtime_layout;

static sds_meta *site(void)
{
  sds_meta *m= sds_meta_new();
  if (!m)
    return NULL;
  doctype(m, "Company", "");
  field(m, "Company", "abbr", "Data", NULL);
  doctype(m, "Sales Invoice", "");
  field(m, "Sales Invoice", "company", "Link", "Company");
  field(m, "Sales Invoice", "items", "Table", "Sales Invoice Item");
  doctype(m, "Sales Invoice Item", "t");
  doctype(m, "Item", "");
  field(m, "Item", "items", "Table", "Sales Invoice Item");
  doctype(m, "File", "");
  field(m, "File", "attached_to_doctype", "Link", "DocType");
  field(m, "File", "attached_to_name", "Dynamic Link", "attached_to_doctype");
  feed(m, 'S', "Item", "items", "options", "Sales Invoice Item", "DocField", NULL);
  feed(m, 'R', "Item", "global", NULL, "shared", NULL, NULL);
  feed(m, 'T', "tabSingles", "BASE TABLE", NULL, NULL, NULL, NULL);
  feed(m, 'X', "db", "site", NULL, NULL, NULL, NULL);
  feed(m, 'X', "config_api", "2", NULL, NULL, NULL, NULL);
  feed(m, 'X', "master_group", "master", NULL, NULL, NULL, NULL);
  feed(m, 'X', "branch_group", "branch", NULL, NULL, NULL, NULL);
  if (runtime_layout)
  {
    feed(m, 'X', "site_catalog", "_1bd3e0294da19198", NULL, NULL, NULL, NULL);
    feed(m, 'X', "runtime_catalog", "sym__1bd3e0294da19198", NULL, NULL, NULL, NULL);
  }
  return m;
}

static int valid(const char *j)
{
  return j && (strncmp(j, "{\"sym_node_group\":[", 19) == 0 ||
               strncmp(j, "{\"plan\":[", 9) == 0 || strncmp(j, "{\"error\":", 9) == 0);
}

int main(void)
{
  long n, total_plan, total_config, total_runtime;
  int crashes= 0, bad= 0, oom_reported= 0;
  char *ref;
  sds_meta *m;

  /* reference runs, counting allocations */
  fail_at= -1;
  calls= 0;
  m= site();
  ref= sds_meta_plan_json(m, NULL);
  CHECK(ref && strncmp(ref, "{\"plan\":[", 9) == 0);
  free(ref);
  sds_meta_free(m);
  total_plan= calls;
  calls= 0;
  m= site();
  ref= sds_config_json(m, NULL);
  CHECK(ref && strncmp(ref, "{\"sym_node_group\":[", 19) == 0);
  free(ref);
  sds_meta_free(m);
  total_config= calls;
  calls= 0;
  runtime_layout= 1;
  m= site();
  ref= sds_config_json(m, NULL);
  CHECK(ref && strncmp(ref, "{\"sym_node_group\":[", 19) == 0 &&
        strstr(ref, "sds_b2m_rt") != NULL);
  free(ref);
  sds_meta_free(m);
  runtime_layout= 0;
  total_runtime= calls;
  CHECK(total_plan > 50 && total_config > total_plan &&
        total_runtime > total_config);

  for (n= 0; n < total_runtime + 5; n++)
  {
    char *j;
    int which;
    for (which= 0; which < 3; which++)
    {
      if (which < 2 && n >= total_config + 5)
        continue;
      fail_at= n;
      calls= 0;
      runtime_layout= which == 2;
      m= site();
      if (!m)
        continue;
      j= which ? sds_config_json(m, NULL) : sds_meta_plan_json(m, NULL);
      runtime_layout= 0;
      if (j && !valid(j))
        bad++;
      if (j && strstr(j, "out of memory"))
        oom_reported++;
      free(j);
      sds_meta_free(m);
    }
  }
  fail_at= -1;
  CHECK(crashes == 0);
  CHECK(bad == 0);
  CHECK(oom_reported > 0);
  return sds_test_finish("test_oom");
}
