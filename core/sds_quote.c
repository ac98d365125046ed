/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Identifier/literal quoting and SymmetricDS text checks (sds_quote.h). */
#include "sds_quote.h"

#include <string.h>

void sds_quote_ident(sds_buf *b, const char *s, size_t n)
{
  size_t i;
  sds_buf_addc(b, '`');
  for (i= 0; i < n; i++)
  {
    if (s[i] == '`')
      sds_buf_addc(b, '`');
    sds_buf_addc(b, s[i]);
  }
  sds_buf_addc(b, '`');
}

void sds_quote_identz(sds_buf *b, const char *s)
{
  sds_quote_ident(b, s, strlen(s));
}

/* Well-formed UTF-8 as MariaDB's utf8mb4 takes it: no overlong forms, no
   surrogates, nothing beyond U+10FFFF (RFC 3629, section 4). */
static int utf8_valid(const unsigned char *s, size_t n)
{
  size_t i= 0;
  while (i < n)
  {
    unsigned char c= s[i];
    unsigned char lo= 0x80, hi= 0xBF;     /* range of the second byte */
    size_t need, k;
    if (c < 0x80)
    {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF)
      need= 1;
    else if (c >= 0xE0 && c <= 0xEF)
    {
      need= 2;
      if (c == 0xE0)
        lo= 0xA0;
      else if (c == 0xED)
        hi= 0x9F;
    }
    else if (c >= 0xF0 && c <= 0xF4)
    {
      need= 3;
      if (c == 0xF0)
        lo= 0x90;
      else if (c == 0xF4)
        hi= 0x8F;
    }
    else
      return 0;
    if (i + need >= n || s[i + 1] < lo || s[i + 1] > hi)
      return 0;
    for (k= 2; k <= need; k++)
      if ((s[i + k] & 0xC0) != 0x80)
        return 0;
    i+= need + 1;
  }
  return 1;
}

static int plain_literal(const char *s, size_t n)
{
  size_t i;
  for (i= 0; i < n; i++)
  {
    unsigned char c= (unsigned char) s[i];
    /* printable ASCII only: bytes beyond it depend on the connection
       character set of whoever parses the text (SymmetricDS, a trigger) */
    if (c < 0x20 || c >= 0x7F || c == '\\' || c == '$')
      return 0;
  }
  return 1;
}

void sds_quote_literal(sds_buf *b, const char *s, size_t n)
{
  static const char hex[]= "0123456789ABCDEF";
  size_t i;
  if (plain_literal(s, n))
  {
    sds_buf_addc(b, '\'');
    for (i= 0; i < n; i++)
    {
      if (s[i] == '\'')
        sds_buf_addc(b, '\'');
      sds_buf_addc(b, s[i]);
    }
    sds_buf_addc(b, '\'');
    return;
  }
  /* text the server would refuse as utf8mb4 is bytes: a binary literal */
  sds_buf_adds(b, utf8_valid((const unsigned char *) s, n) ? "_utf8mb4 X'" : "_binary X'");
  for (i= 0; i < n; i++)
  {
    unsigned char c= (unsigned char) s[i];
    sds_buf_addc(b, hex[c >> 4]);
    sds_buf_addc(b, hex[c & 15]);
  }
  sds_buf_addc(b, '\'');
}

void sds_quote_literalz(sds_buf *b, const char *s)
{
  sds_quote_literal(b, s, strlen(s));
}

int sds_has_template(const char *s, size_t n)
{
  size_t i;
  for (i= 0; i + 1 < n; i++)
    if (s[i] == '$' && s[i + 1] == '(')
      return 1;
  return 0;
}

size_t sds_utf8_chars(const char *s, size_t n)
{
  size_t i, k= 0;
  for (i= 0; i < n; i++)
    if (((unsigned char) s[i] & 0xC0) != 0x80)  /* not a continuation */
      k++;
  return k;
}

/* MariaDB's limit is 64 characters (NAME_CHAR_LEN), whatever their byte
   length in utf8mb4: a name of 25 CJK characters (75 bytes) is fine. */
static const char *name_problem(const char *s, size_t n)
{
  size_t i;
  if (n == 0)
    return "empty name";
  for (i= 0; i < n; i++)
    if ((unsigned char) s[i] < 0x20)
      return "control character in the name";
  if (!utf8_valid((const unsigned char *) s, n))
    return "the name is not valid UTF-8";
  if (sds_utf8_chars(s, n) > 64)
    return "name longer than 64 characters (MariaDB's limit)";
  if (sds_has_template(s, n))
    return "SymmetricDS would substitute the '$(' template marker in the name";
  return NULL;
}

const char *sds_column_name_problem(const char *s, size_t n)
{
  return name_problem(s, n);
}

const char *sds_table_name_problem(const char *s, size_t n)
{
  size_t i;
  const char *p;
  if (n == 0)
    return "empty table name";
  if (s[0] == '!')
    return "SymmetricDS reads a leading '!' in source_table_name as negation";
  for (i= 0; i < n; i++)
  {
    unsigned char c= (unsigned char) s[i];
    if (c == ',' || c == '*')
      return "SymmetricDS reads ',' and '*' in source_table_name as a "
             "wildcard list";
  }
  if ((p= name_problem(s, n)))
    return p;
  return NULL;
}

void sds_slug(sds_buf *b, const char *s, size_t n, size_t max)
{
  size_t i, out= 0;
  int last_us= 0;
  for (i= 0; i < n && out < max; i++)
  {
    unsigned char c= (unsigned char) s[i];
    if (c >= 'A' && c <= 'Z')
      c= (unsigned char) (c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
    {
      sds_buf_addc(b, (char) c);
      last_us= 0;
      out++;
    }
    else if (!last_us || (c == '_' && i < 2))
    {
      /* keep leading "__" of names like __Auth readable */
      sds_buf_addc(b, '_');
      last_us= 1;
      out++;
    }
  }
}

unsigned sds_fnv1a(const char *s, size_t n)
{
  unsigned h= 2166136261u;
  size_t i;
  for (i= 0; i < n; i++)
  {
    h^= (unsigned char) s[i];
    h*= 16777619u;
  }
  return h;
}

int sds_node_id_ok(const char *s, size_t n)
{
  size_t i;
  if (n == 0 || n > 50 || s[0] == '~')
    return 0;
  for (i= 0; i < n; i++)
  {
    char c= s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
      return 0;
  }
  return 1;
}
