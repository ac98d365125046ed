/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Unit tests of the replication plan on synthetic metadata: company
   fields (named, single, ambiguous, not-owner), Custom Fields, Property
   Setters, child tables with mixed parents or their own company, singles,
   virtual DocTypes, policy lists, tables without DocType, odd names,
   override rules and their errors. */
#include "sds_test.h"
#include "sds_test_meta.h"

#include <stdlib.h>

static sds_meta *base_site(void)
{
  sds_meta *m= sds_meta_new();
  doctype(m, "Company", "");
  field(m, "Company", "abbr", "Data", NULL);
  field(m, "Company", "parent_company", "Link", "Company");
  doctype(m, "Sales Invoice", "");
  field(m, "Sales Invoice", "company", "Link", "Company");
  field(m, "Sales Invoice", "represents_company", "Link", "Company");
  field(m, "Sales Invoice", "items", "Table", "Sales Invoice Item");
  field(m, "Sales Invoice", "taxes", "Table", "Sales Taxes and Charges");
  doctype(m, "Sales Invoice Item", "t");
  field(m, "Sales Invoice Item", "item_code", "Link", "Item");
  doctype(m, "Sales Taxes and Charges", "t");
  doctype(m, "Item", "");
  field(m, "Item", "item_defaults", "Table", "Item Default");
  field(m, "Item", "taxes", "Table", "Sales Taxes and Charges");
  doctype(m, "Item Default", "t");
  field(m, "Item Default", "company", "Link", "Company");
  doctype(m, "Customer", "");
  field(m, "Customer", "represents_company", "Link", "Company");
  doctype(m, "Shipment", "");
  field(m, "Shipment", "pickup_company", "Link", "Company");
  field(m, "Shipment", "delivery_company", "Link", "Company");
  doctype(m, "DATEV Settings", "");
  field(m, "DATEV Settings", "client", "Link", "Company");
  doctype(m, "Global Defaults", "s");
  field(m, "Global Defaults", "default_company", "Link", "Company");
  doctype(m, "Test Virtual", "v");
  doctype(m, "Error Log", "");
  doctype(m, "Repost Item Valuation", "");
  field(m, "Repost Item Valuation", "company", "Link", "Company");
  doctype(m, "File", "");
  field(m, "File", "attached_to_doctype", "Link", "DocType");
  field(m, "File", "attached_to_name", "Dynamic Link", "attached_to_doctype");
  doctype(m, "Unmigrated", "n");
  doctype(m, "Orphan Child", "t");
  doctype(m, "Log Child", "t");
  field(m, "Error Log", "lines", "Table", "Log Child");
  feed(m, 'T', "tabSeries", "BASE TABLE", NULL, NULL, NULL, NULL);
  feed(m, 'T', "tabSingles", "BASE TABLE", NULL, NULL, NULL, NULL);
  feed(m, 'T', "__Auth", "BASE TABLE", NULL, NULL, NULL, NULL);
  feed(m, 'T', "sym_data", "BASE TABLE", NULL, NULL, NULL, NULL);
  feed(m, 'T', "some_view", "VIEW", NULL, NULL, NULL, NULL);
  feed(m, 'T', "legacy_table", "BASE TABLE", NULL, NULL, NULL, NULL);
  return m;
}

static char *plan(sds_meta *m)
{
  char *j= sds_meta_plan_json(m, NULL);
  CHECK(j != NULL);
  return j;
}

int main(void)
{
  char r[4096];
  sds_meta *m= base_site();
  char *j= plan(m);

  /* company-owned, not by represents_company */
  CHECK_HAS(row_of(j, "Sales Invoice", r, sizeof(r)),
            "\"scope\":\"company\",\"company_source\":\"field:company\"");
  CHECK_HAS(row_of(j, "Company", r, sizeof(r)),
            "\"scope\":\"company\",\"company_source\":\"self:name\"");
  CHECK_HAS(row_of(j, "Customer", r, sizeof(r)), "\"scope\":\"global\"");
  CHECK_HAS(row_of(j, "Customer", r, sizeof(r)), "represents_company");
  /* a single Link to Company with another name owns the row */
  CHECK_HAS(row_of(j, "DATEV Settings", r, sizeof(r)),
            "\"company_source\":\"field:client\"");
  /* ambiguous links: not company-owned, and says why */
  CHECK_HAS(row_of(j, "Shipment", r, sizeof(r)), "\"scope\":\"global\"");
  CHECK_HAS(row_of(j, "Shipment", r, sizeof(r)), "ambiguous");
  /* child tables */
  CHECK_HAS(row_of(j, "Sales Invoice Item", r, sizeof(r)),
            "\"scope\":\"child\",\"company_source\":\"parent\","
            "\"parents\":\"Sales Invoice (company)\"");
  CHECK_HAS(row_of(j, "Sales Taxes and Charges", r, sizeof(r)),
            "\"parents\":\"Sales Invoice (company), Item (global)\"");
  CHECK_HAS(row_of(j, "Sales Taxes and Charges", r, sizeof(r)),
            "\"scope\":\"child\"");
  CHECK_HAS(row_of(j, "Item Default", r, sizeof(r)),
            "\"scope\":\"child\",\"company_source\":\"field:company\","
            "\"parents\":\"Item (global)\"");
  CHECK_HAS(row_of(j, "Orphan Child", r, sizeof(r)), "\"scope\":\"global\"");
  CHECK_HAS(row_of(j, "Log Child", r, sizeof(r)), "\"scope\":\"excluded\"");
  /* singles, virtual, policy, no table */
  CHECK_HAS(row_of(j, "Global Defaults", r, sizeof(r)),
            "\"table_name\":null,\"scope\":\"singles\"");
  CHECK_HAS(row_of(j, "Test Virtual", r, sizeof(r)), "\"scope\":\"excluded\"");
  CHECK_HAS(row_of(j, "Error Log", r, sizeof(r)), "\"scope\":\"excluded\"");
  CHECK_HAS(row_of(j, "Repost Item Valuation", r, sizeof(r)),
            "\"scope\":\"node_local\"");
  CHECK_HAS(row_of(j, "Unmigrated", r, sizeof(r)), "\"scope\":\"excluded\"");
  CHECK_HAS(row_of(j, "File", r, sizeof(r)),
            "\"company_source\":\"link:attached_to_doctype.attached_to_name\"");
  /* tables without DocType */
  CHECK_HAS(j, "{\"doctype\":null,\"table_name\":\"tabSeries\","
               "\"scope\":\"node_local\"");
  CHECK_HAS(j, "{\"doctype\":null,\"table_name\":\"tabSingles\","
               "\"scope\":\"singles\"");
  CHECK_HAS(j, "{\"doctype\":null,\"table_name\":\"__Auth\","
               "\"scope\":\"global\"");
  CHECK_HAS(j, "{\"doctype\":null,\"table_name\":\"sym_data\","
               "\"scope\":\"excluded\"");
  CHECK_HAS(j, "{\"doctype\":null,\"table_name\":\"some_view\","
               "\"scope\":\"excluded\"");
  CHECK_HAS(j, "{\"doctype\":null,\"table_name\":\"legacy_table\","
               "\"scope\":\"excluded\"");
  CHECK_HAS(row_of(j, "Sales Invoice", r, sizeof(r)),
            "\"trigger_id\":\"tabsales_invoice\"");
  free(j);
  sds_meta_free(m);

  /* Custom Field adds a company link; Property Setter retargets a Link */
  m= base_site();
  custom_field(m, "Customer", "company", "Link", "Company");
  doctype(m, "Vehicle", "");
  field(m, "Vehicle", "owner_org", "Link", "Supplier");
  feed(m, 'S', "Vehicle", "owner_org", "options", "Company", "DocField", NULL);
  doctype(m, "Shop", "");
  field(m, "Shop", "company", "Link", "Company");
  feed(m, 'S', "Shop", "company", "fieldtype", "Data", "DocField", NULL);
  j= plan(m);
  CHECK_HAS(row_of(j, "Customer", r, sizeof(r)),
            "\"scope\":\"company\",\"company_source\":\"field:company\"");
  CHECK_HAS(row_of(j, "Vehicle", r, sizeof(r)),
            "\"company_source\":\"field:owner_org\"");
  CHECK_HAS(row_of(j, "Shop", r, sizeof(r)), "\"scope\":\"global\"");
  free(j);
  sds_meta_free(m);

  /* names with spaces, hyphens, quotes and backticks; SymmetricDS-unsafe */
  m= sds_meta_new();
  doctype(m, "O'Brien `Odd` - Doc", "");
  field(m, "O'Brien `Odd` - Doc", "company", "Link", "Company");
  doctype(m, "Bad,Name", "");
  doctype(m, "Tpl $(x)", "");
  doctype(m, "Company", "");
  field(m, "Company", "abbr", "Data", NULL);
  j= plan(m);
  CHECK_HAS(row_of(j, "O'Brien `Odd` - Doc", r, sizeof(r)),
            "\"scope\":\"company\"");
  CHECK_HAS(row_of(j, "O'Brien `Odd` - Doc", r, sizeof(r)),
            "\"trigger_id\":\"tabo_brien_odd_doc\"");
  CHECK_HAS(row_of(j, "Bad,Name", r, sizeof(r)), "\"scope\":\"excluded\"");
  CHECK_HAS(row_of(j, "Tpl $(x)", r, sizeof(r)), "\"scope\":\"excluded\"");
  free(j);
  sds_meta_free(m);

  /* slug collisions get a hash suffix on both */
  m= sds_meta_new();
  doctype(m, "A B", "");
  doctype(m, "A_B", "");
  j= plan(m);
  CHECK_HAS(row_of(j, "A B", r, sizeof(r)), "\"trigger_id\":\"taba_b_");
  CHECK(strstr(row_of(j, "A B", r, sizeof(r)), "\"trigger_id\":\"taba_b\"")
        == NULL);
  free(j);
  sds_meta_free(m);

  /* rules beat the built-in decisions */
  m= base_site();
  feed(m, 'R', "Shipment", "company", "pickup_company", "ships from", NULL,
       NULL);
  feed(m, 'R', "Error Log", "global", NULL, NULL, NULL, NULL);
  feed(m, 'R', "tabSeries", "excluded", NULL, NULL, NULL, NULL);
  feed(m, 'R', "Item Default", "global", NULL, NULL, NULL, NULL);
  j= plan(m);
  CHECK_HAS(row_of(j, "Shipment", r, sizeof(r)),
            "\"scope\":\"company\",\"company_source\":\"field:pickup_company\"");
  CHECK_HAS(row_of(j, "Shipment", r, sizeof(r)), "ships from");
  CHECK_HAS(row_of(j, "Error Log", r, sizeof(r)), "\"scope\":\"global\"");
  CHECK_HAS(row_of(j, "Item Default", r, sizeof(r)), "\"scope\":\"global\"");
  CHECK_HAS(j, "\"table_name\":\"tabSeries\",\"scope\":\"excluded\"");
  free(j);
  sds_meta_free(m);

  /* rule errors */
  {
    static const char *const bad[][4]= {
      {"Nope", "global", NULL, "neither a DocType nor a table"},
      {"Shipment", "company", NULL, "no unambiguous Link to Company"},
      {"Shipment", "company", "missing_col", "not a column"},
      {"Sales Invoice Item", "company", NULL, "use scope child"},
      {"Sales Invoice", "child", NULL, "not a child table"},
      {"Item", "singles", NULL, "not a Single"},
      {"Item", "global", "company", "neither company nor child"},
      {"tabSeries", "company", NULL, "only global, node_local or excluded"},
      {"Item", "bogus", NULL, "unknown scope"},
    };
    size_t i;
    for (i= 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
      m= base_site();
      feed(m, 'R', bad[i][0], bad[i][1], bad[i][2], NULL, NULL, NULL);
      j= plan(m);
      CHECK_HAS(j, "{\"error\":");
      CHECK_HAS(j, bad[i][3]);
      free(j);
      sds_meta_free(m);
    }
  }

  /* bad input rows */
  m= sds_meta_new();
  CHECK(feed(m, 'Q', "x", NULL, NULL, NULL, NULL, NULL) == -1);
  j= plan(m);
  CHECK_HAS(j, "unknown input kind 'Q'");
  free(j);
  sds_meta_free(m);

  /* a Frappe site without ERPNext: no company anywhere */
  m= sds_meta_new();
  doctype(m, "User", "");
  doctype(m, "Has Role", "t");
  field(m, "User", "roles", "Table", "Has Role");
  j= plan(m);
  CHECK_HAS(row_of(j, "User", r, sizeof(r)), "\"scope\":\"global\"");
  CHECK_HAS(row_of(j, "Has Role", r, sizeof(r)), "\"scope\":\"global\"");
  free(j);
  sds_meta_free(m);
  /* ... where documents that follow a Dynamic Link are shared too */
  m= sds_meta_new();
  doctype(m, "ToDo", "");
  field(m, "ToDo", "reference_type", "Link", "DocType");
  field(m, "ToDo", "reference_name", "Dynamic Link", "reference_type");
  j= plan(m);
  CHECK_HAS(row_of(j, "ToDo", r, sizeof(r)), "\"scope\":\"global\"");
  free(j);
  sds_meta_free(m);

  return sds_test_finish("test_plan");
}
