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

int main(void)
{
  sds_meta *m;
  char *j;
  test_classic_unchanged();
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
