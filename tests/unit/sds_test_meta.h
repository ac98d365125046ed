/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Helpers to feed synthetic metadata to the core in unit tests. */
#ifndef SDS_TEST_META_H
#define SDS_TEST_META_H

#include "../../core/sds_meta.h"
#include <string.h>

__attribute__((unused)) static int feed(sds_meta *m, char kind, const char *a1, const char *a2,
                const char *a3, const char *a4, const char *a5,
                const char *a6)
{
  char k[2]= {kind, 0};
  const char *a[8]= {k, a1, a2, a3, a4, a5, a6, NULL};
  size_t l[8];
  int i;
  for (i= 0; i < 8; i++)
    l[i]= a[i] ? strlen(a[i]) : 0;
  return sds_meta_add(m, kind, a, l, 8);
}

/* a DocType with its table and the standard columns of Frappe v13 */
__attribute__((unused)) static void doctype(sds_meta *m, const char *name, const char *flags)
{
  /* flags: t = istable, s = issingle, v = virtual, n = no table */
  char tab[128];
  int istable= strchr(flags, 't') != NULL, single= strchr(flags, 's') != NULL,
      virt= strchr(flags, 'v') != NULL, notab= strchr(flags, 'n') != NULL;
  static const char *const std_cols[]= {"name", "creation", "modified",
    "modified_by", "owner", "docstatus", "parent", "parentfield",
    "parenttype", "idx", NULL};
  int i;
  feed(m, 'D', name, "Test", istable ? "1" : "0", single ? "1" : "0",
       virt ? "1" : "0", "0");
  if (single || virt || notab)
    return;
  snprintf(tab, sizeof(tab), "tab%s", name);
  feed(m, 'T', tab, "BASE TABLE", NULL, NULL, NULL, NULL);
  for (i= 0; std_cols[i]; i++)
    feed(m, 'K', tab, std_cols[i], i == 0 ? "PRI" : "", NULL, NULL, NULL);
}

/* a DocField, and its column when it has one */
__attribute__((unused)) static void field(sds_meta *m, const char *dt, const char *fname,
                  const char *ftype, const char *options)
{
  char tab[128];
  feed(m, 'F', dt, fname, ftype, options, NULL, NULL);
  if (strcmp(ftype, "Table") == 0 || strcmp(ftype, "Table MultiSelect") == 0 ||
      strcmp(ftype, "Section Break") == 0)
    return;
  snprintf(tab, sizeof(tab), "tab%s", dt);
  feed(m, 'K', tab, fname, "", NULL, NULL, NULL);
}

__attribute__((unused)) static void custom_field(sds_meta *m, const char *dt, const char *fname,
                         const char *ftype, const char *options)
{
  char tab[128];
  feed(m, 'C', dt, fname, ftype, options, NULL, NULL);
  snprintf(tab, sizeof(tab), "tab%s", dt);
  feed(m, 'K', tab, fname, "", NULL, NULL, NULL);
}

/* the plan row of a DocType, as JSON object text, from the plan JSON */
__attribute__((unused)) static const char *row_of(const char *json, const char *doctype, char *out,
                          size_t outsz)
{
  char key[256];
  const char *p, *e;
  snprintf(key, sizeof(key), "{\"doctype\":\"%s\",", doctype);
  if (!(p= strstr(json, key)) || !(e= strchr(p, '}')))
    return "";
  snprintf(out, outsz, "%.*s", (int) (e - p + 1), p);
  return out;
}

#endif
