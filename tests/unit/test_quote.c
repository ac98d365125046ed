/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Unit tests: quoting of identifiers and literals, SymmetricDS name
   checks, slugs, JSON strings. */
#include "sds_test.h"
#include "../../core/sds_buf.h"
#include "../../core/sds_quote.h"

#include <stdlib.h>

static char *lit(const char *s)
{
  sds_buf b;
  sds_buf_init(&b);
  sds_quote_literalz(&b, s);
  return sds_buf_steal(&b, NULL);
}

static char *ident(const char *s)
{
  sds_buf b;
  sds_buf_init(&b);
  sds_quote_identz(&b, s);
  return sds_buf_steal(&b, NULL);
}

static char *json(const char *s, size_t n)
{
  sds_buf b;
  sds_buf_init(&b);
  sds_buf_json_str(&b, s, n);
  return sds_buf_steal(&b, NULL);
}

static char *slug(const char *s, size_t max)
{
  sds_buf b;
  sds_buf_init(&b);
  sds_slug(&b, s, strlen(s), max);
  return sds_buf_steal(&b, NULL);
}

#define FREE_CHECK_STR(expr, want) \
  do { char *x_= (expr); CHECK_STR(x_, want); free(x_); } while (0)

int main(void)
{
  /* literals: plain ASCII stays readable, quotes doubled */
  FREE_CHECK_STR(lit("Sales Invoice"), "'Sales Invoice'");
  FREE_CHECK_STR(lit("O'Brien"), "'O''Brien'");
  FREE_CHECK_STR(lit(""), "''");
  /* backslash, "$(" and non-ASCII use the mode-independent hex form */
  FREE_CHECK_STR(lit("a\\b"), "_utf8mb4 X'615C62'");
  FREE_CHECK_STR(lit("$(externalId)"),
                 "_utf8mb4 X'242865787465726E616C496429'");
  FREE_CHECK_STR(lit("S\xc3\xb6hne"), "_utf8mb4 X'53C3B6686E65'");
  FREE_CHECK_STR(lit("a\nb"), "_utf8mb4 X'610A62'");
  /* bytes that are not UTF-8 are not a utf8mb4 string: the server refuses
     _utf8mb4 X'FF' ("Invalid utf8mb4 character string"), so they are a
     binary literal, byte for byte; so are overlong forms, surrogates and
     code points beyond U+10FFFF, which MariaDB refuses as utf8mb4 too */
  FREE_CHECK_STR(lit("a\xff"), "_binary X'61FF'");
  FREE_CHECK_STR(lit("\xc3"), "_binary X'C3'");
  FREE_CHECK_STR(lit("\xe0\x80\xaf"), "_binary X'E080AF'");
  FREE_CHECK_STR(lit("\xed\xa0\x80"), "_binary X'EDA080'");
  FREE_CHECK_STR(lit("\xf4\x90\x80\x80"), "_binary X'F4908080'");
  FREE_CHECK_STR(lit("\xf0\x9f\x98\x80"), "_utf8mb4 X'F09F9880'");

  /* identifiers: backticks doubled */
  FREE_CHECK_STR(ident("tabSales Invoice"), "`tabSales Invoice`");
  FREE_CHECK_STR(ident("we`ird"), "`we``ird`");
  FREE_CHECK_STR(ident(""), "``");

  /* names SymmetricDS would misread in source_table_name */
  CHECK(sds_table_name_problem("tabItem", 7) == NULL);
  CHECK(sds_table_name_problem("tabC-Form", 9) == NULL);
  CHECK(sds_table_name_problem("tabA,B", 6) != NULL);
  CHECK(sds_table_name_problem("tab*", 4) != NULL);
  CHECK(sds_table_name_problem("!tab", 4) != NULL);
  CHECK(sds_table_name_problem("tab$(x)", 7) != NULL);
  CHECK(sds_table_name_problem("", 0) != NULL);
  CHECK(sds_has_template("a$(b", 4));
  CHECK(!sds_has_template("a$ (b", 5));
  CHECK(!sds_has_template("a$", 2));

  /* slugs */
  FREE_CHECK_STR(slug("tabSales Invoice", 100), "tabsales_invoice");
  FREE_CHECK_STR(slug("__Auth", 100), "__auth");
  FREE_CHECK_STR(slug("tabC-Form  Invoice", 100), "tabc_form_invoice");
  FREE_CHECK_STR(slug("tabAbcdef", 5), "tabab");

  /* node ids */
  CHECK(sds_node_id_ok("branch-01", 9));
  CHECK(sds_node_id_ok("a.b_c", 5));
  CHECK(!sds_node_id_ok("", 0));
  CHECK(!sds_node_id_ok("~all", 4));
  CHECK(!sds_node_id_ok("a b", 3));
  CHECK(!sds_node_id_ok("a'b", 3));
  CHECK(!sds_node_id_ok(
    "123456789012345678901234567890123456789012345678901", 51));
  CHECK(sds_node_id_ok(
    "12345678901234567890123456789012345678901234567890", 50));

  /* JSON strings: escapes, control bytes, invalid UTF-8 */
  FREE_CHECK_STR(json("a\"b\\c\n", 6), "\"a\\\"b\\\\c\\n\"");
  FREE_CHECK_STR(json("\x01", 1), "\"\\u0001\"");
  FREE_CHECK_STR(json("S\xc3\xb6", 3), "\"S\xc3\xb6\"");
  FREE_CHECK_STR(json("\xff", 1), "\"\\ufffd\"");
  FREE_CHECK_STR(json("\xc3", 1), "\"\\ufffd\"");
  FREE_CHECK_STR(json("a\0b", 3), "\"a\\u0000b\"");

  CHECK(sds_fnv1a("", 0) == 2166136261u);
  return sds_test_finish("test_quote");
}
