/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Hostile metadata at the core level (issue 12): chains of child tables
   deep enough to overflow any thread stack by recursion, cycles of Table
   fields, names counted in characters, "$(" in company columns, and the
   per-call memory budget. */
#include "sds_test.h"
#include "sds_test_meta.h"
#include "../../core/sds_alloc.h"
#include "../../core/sds_config.h"
#include "../../core/sds_quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>

static char *plan(sds_meta *m)
{
  return sds_meta_plan_json(m, NULL);
}

static void company(sds_meta *m)
{
  doctype(m, "Company", "");
  field(m, "Company", "abbr", "Data", NULL);
}

/* c0 (company-owned) -> c1 -> ... -> c<n-1>, each c<i+1> a child table of
   c<i>: with recursion, n frames of classify + classify_child. */
static void chain(sds_meta *m, int n)
{
  char a[32], b[32];
  int i;
  /* deepest first: classifying c<n-1> needs c<n-2> ... c0 first */
  for (i= n - 1; i > 0; i--)
  {
    snprintf(a, sizeof(a), "c%d", i - 1);
    snprintf(b, sizeof(b), "c%d", i);
    doctype(m, b, "t");
    field(m, a, "rows", "Table", b);
  }
  doctype(m, "c0", "");
  field(m, "c0", "company", "Link", "Company");
}

static void test_deep_chain(void)
{
  /* 50,000 levels on a 512 KiB stack: the recursive classification
     needed ~150 bytes a level (the server crashed at ~1,800) */
  sds_meta *m= sds_meta_new();
  char *j, row[512];
  company(m);
  chain(m, 50000);
  feed(m, 'X', "db", "site", NULL, NULL, NULL, NULL);
  feed(m, 'X', "config_api", "2", NULL, NULL, NULL, NULL);
  feed(m, 'X', "master_group", "master", NULL, NULL, NULL, NULL);
  feed(m, 'X', "branch_group", "branch", NULL, NULL, NULL, NULL);
  j= sds_config_json(m, NULL);
  CHECK(j && strncmp(j, "{\"sym_node_group\":[", 19) == 0);
  CHECK_HAS(j ? strstr(j, "{\"doctype\":\"c1\",") : NULL,
            "\"scope\":\"child\"");
  /* a child of a child table: Frappe has no such thing, not replicated */
  CHECK_HAS(row_of(j, "c49999", row, sizeof(row)), "\"scope\":\"excluded\"");
  free(j);
  sds_meta_free(m);
}

static void test_cycles(void)
{
  sds_meta *m= sds_meta_new();
  char *j, row[1024];
  company(m);
  /* a 2-cycle of child tables with no other parent: no decision may be
     empty (the recursive code left both with scope "") */
  doctype(m, "A", "t");
  doctype(m, "B", "t");
  field(m, "A", "bs", "Table", "B");
  field(m, "B", "as", "Table", "A");
  /* a cycle hanging off a company-owned document */
  doctype(m, "Doc", "");
  field(m, "Doc", "company", "Link", "Company");
  field(m, "Doc", "xs", "Table", "X");
  doctype(m, "X", "t");
  doctype(m, "Y", "t");
  field(m, "X", "ys", "Table", "Y");
  field(m, "Y", "xs", "Table", "X");
  /* a child table that is its own parent (self loop is ignored) */
  doctype(m, "S", "t");
  field(m, "S", "ss", "Table", "S");
  j= plan(m);
  CHECK(j && strncmp(j, "{\"plan\":[", 9) == 0);
  CHECK(j && !strstr(j, "\"scope\":\"\""));
  CHECK_HAS(row_of(j, "A", row, sizeof(row)), "\"scope\":\"excluded\"");
  CHECK_HAS(row_of(j, "B", row, sizeof(row)), "\"scope\":\"excluded\"");
  CHECK_HAS(row_of(j, "X", row, sizeof(row)), "\"scope\":\"child\"");
  CHECK_HAS(row_of(j, "S", row, sizeof(row)), "\"scope\":\"global\"");
  free(j);
  sds_meta_free(m);
}

static void test_names(void)
{
  /* "tab" + 22 x U+6587 = 25 characters, 69 bytes */
  char name[128]= "tab", dt[128]= "";
  sds_meta *m;
  char *j, row[1024];
  int i;
  for (i= 0; i < 22; i++)
  {
    strcat(name, "\xe6\x96\x87");
    strcat(dt, "\xe6\x96\x87");
  }
  CHECK(sds_utf8_chars(name, strlen(name)) == 25);
  CHECK(sds_table_name_problem(name, strlen(name)) == NULL);
  /* 65 characters: too long; 64 two-byte characters: fine */
  {
    char l[200];
    memset(l, 'a', 65);
    CHECK(sds_table_name_problem(l, 65) != NULL);
    for (i= 0; i < 64; i++)
      memcpy(l + 2 * i, "\xc3\xa9", 2);
    CHECK(sds_table_name_problem(l, 128) == NULL);
    CHECK(sds_column_name_problem(l, 128) == NULL);
    memcpy(l + 128, "\xc3\xa9", 2);
    CHECK(sds_column_name_problem(l, 130) != NULL);
  }
  CHECK(sds_column_name_problem("c$(externalId)x", 15) != NULL);
  CHECK(sds_column_name_problem("c$x(", 4) == NULL);
  CHECK(sds_column_name_problem("a`b", 3) == NULL);
  m= sds_meta_new();
  company(m);
  doctype(m, dt, "");
  field(m, dt, "company", "Link", "Company");
  j= plan(m);
  CHECK_HAS(row_of(j, dt, row, sizeof(row)), "\"scope\":\"company\"");
  free(j);
  sds_meta_free(m);

  /* a Custom Field column named c$(externalId)x as the only Link to
     Company: never pasted into the SymmetricDS texts */
  m= sds_meta_new();
  company(m);
  feed(m, 'T', "tabCompany", "BASE TABLE", NULL, NULL, NULL, NULL);
  doctype(m, "Deal", "");
  custom_field(m, "Deal", "c$(externalId)x", "Link", "Company");
  doctype(m, "Deal Item", "t");
  field(m, "Deal", "items", "Table", "Deal Item");
  feed(m, 'X', "db", "site", NULL, NULL, NULL, NULL);
  feed(m, 'X', "config_api", "2", NULL, NULL, NULL, NULL);
  feed(m, 'X', "master_group", "master", NULL, NULL, NULL, NULL);
  feed(m, 'X', "branch_group", "branch", NULL, NULL, NULL, NULL);
  j= sds_config_json(m, NULL);
  CHECK(j && strncmp(j, "{\"sym_node_group\":[", 19) == 0);
  {
    /* only the SymmetricDS rows (the plan's reason may name it) */
    const char *plan_part= j ? strstr(j, ",\"plan\":[") : NULL;
    CHECK(plan_part && !memmem(j, plan_part - j, "$(externalId)x", 14));
  }
  CHECK_HAS(row_of(j, "Deal", row, sizeof(row)), "\"scope\":\"excluded\"");
  CHECK_HAS(row_of(j, "Deal", row, sizeof(row)), "company column");
  free(j);
  sds_meta_free(m);

  /* the same through a rule's company_field */
  m= sds_meta_new();
  company(m);
  doctype(m, "Deal", "");
  custom_field(m, "Deal", "c$(externalId)x", "Data", NULL);
  feed(m, 'R', "Deal", "company", "c$(externalId)x", NULL, NULL, NULL);
  j= plan(m);
  CHECK_HAS(row_of(j, "Deal", row, sizeof(row)), "\"scope\":\"excluded\"");
  free(j);
  sds_meta_free(m);

  /* a database name with $( is refused */
  m= sds_meta_new();
  company(m);
  feed(m, 'X', "db", "a$(x)", NULL, NULL, NULL, NULL);
  feed(m, 'X', "config_api", "2", NULL, NULL, NULL, NULL);
  feed(m, 'X', "master_group", "master", NULL, NULL, NULL, NULL);
  feed(m, 'X', "branch_group", "branch", NULL, NULL, NULL, NULL);
  j= sds_config_json(m, NULL);
  CHECK_HAS(j, "{\"error\":\"sds_setup: SymmetricDS would substitute");
  free(j);
  sds_meta_free(m);
}

static int budget_calls;
static void *counting_alloc(size_t n)
{
  budget_calls++;
  return (malloc)(n);           /* libc's: the macro is sds_malloc */
}
static void counting_release(void *p)
{
  budget_calls--;
  (free)(p);
}

static void test_budget(void)
{
  sds_budget b;
  sds_budget *prev;
  sds_meta *m;
  char big[4096], *j;
  int i;
  memset(&b, 0, sizeof(b));
  b.limit= 1 << 20;
  b.alloc= counting_alloc;
  b.release= counting_release;
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1]= 0;
  prev= sds_budget_enter(&b);
  m= sds_meta_new();
  company(m);
  for (i= 0; i < 1000 && !b.over; i++)
    feed(m, 'F', "Company", "f", "Data", big, NULL, NULL);
  j= plan(m);
  sds_budget_leave(prev);
  CHECK(b.over == 1);
  CHECK(b.peak <= b.limit);
  CHECK(budget_calls > 0);
  CHECK(j == NULL || strncmp(j, "{\"error\":", 9) == 0);
  free(j);                      /* freed outside the budget: still its own */
  sds_meta_free(m);
  CHECK(b.used == 0);
  CHECK(budget_calls == 0);
}

static void *deep_chain_thread(void *arg)
{
  (void) arg;
  test_deep_chain();
  return NULL;
}

int main(void)
{
  /* on a thread with a server-sized stack (thread_stack is 292 KiB; a
     little more for the sanitizers' frames) */
  pthread_t t;
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setstacksize(&at, 512 << 10);
  CHECK(pthread_create(&t, &at, deep_chain_thread, NULL) == 0);
  pthread_join(t, NULL);
  pthread_attr_destroy(&at);
  test_cycles();
  test_names();
  test_budget();
  return sds_test_finish("test_harden");
}
