/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Growable byte buffer (see sds_buf.h). */
#include "sds_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An empty buffer points at this, so data is never NULL, even after an
   allocation failed: callers may read it before they check oom. */
static char empty_string[1];

void sds_buf_init(sds_buf *b)
{
  b->data= empty_string;
  b->len= b->cap= 0;
  b->oom= 0;
}

void sds_buf_free(sds_buf *b)
{
  if (b->cap)
    free(b->data);
  sds_buf_init(b);
}

void sds_buf_reset(sds_buf *b)
{
  b->len= 0;
  if (b->cap)
    b->data[0]= '\0';
}

char *sds_buf_steal(sds_buf *b, size_t *len)
{
  char *d;
  if (b->oom)
  {
    sds_buf_free(b);
    return NULL;
  }
  if (!b->cap)
  {
    sds_buf_init(b);
    if (!(d= malloc(1)))
      return NULL;
    d[0]= '\0';
    if (len)
      *len= 0;
    return d;
  }
  d= b->data;
  if (len)
    *len= b->len;
  sds_buf_init(b);
  return d;
}

static int grow(sds_buf *b, size_t extra)
{
  size_t want, cap;
  char *d;
  if (b->oom)
    return 0;
  want= b->len + extra + 1;
  if (want <= b->cap)
    return 1;
  cap= b->cap ? b->cap : 256;
  while (cap < want)
    cap*= 2;
  d= b->cap ? realloc(b->data, cap) : malloc(cap);
  if (!d)
  {
    b->oom= 1;
    return 0;
  }
  if (!b->cap)
    d[0]= '\0';
  b->data= d;
  b->cap= cap;
  return 1;
}

void sds_buf_add(sds_buf *b, const char *s, size_t n)
{
  if (!grow(b, n))
    return;
  if (n)
    memcpy(b->data + b->len, s, n);
  b->len+= n;
  b->data[b->len]= '\0';
}

void sds_buf_adds(sds_buf *b, const char *s)
{
  sds_buf_add(b, s, strlen(s));
}

void sds_buf_addc(sds_buf *b, char c)
{
  sds_buf_add(b, &c, 1);
}

void sds_buf_printf(sds_buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;
  va_start(ap, fmt);
  n= vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || !grow(b, (size_t) n))
  {
    b->oom= 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
  va_end(ap);
  b->len+= (size_t) n;
}

/* Length of the valid UTF-8 sequence at s (max n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
  size_t need, i;
  unsigned cp;
  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xC2 && s[0] <= 0xDF)
    need= 2, cp= s[0] & 0x1F;
  else if (s[0] >= 0xE0 && s[0] <= 0xEF)
    need= 3, cp= s[0] & 0x0F;
  else if (s[0] >= 0xF0 && s[0] <= 0xF4)
    need= 4, cp= s[0] & 0x07;
  else
    return 0;
  if (n < need)
    return 0;
  for (i= 1; i < need; i++)
  {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    cp= (cp << 6) | (s[i] & 0x3F);
  }
  if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return need;
}

void sds_buf_json_str(sds_buf *b, const char *s, size_t n)
{
  const unsigned char *p= (const unsigned char *) s;
  size_t i= 0, run= 0;
  sds_buf_addc(b, '"');
  while (i < n)
  {
    unsigned char c= p[i];
    size_t k;
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80)
    {
      i++;
      run++;
      continue;
    }
    if (c >= 0x80 && (k= utf8_seq(p + i, n - i)) > 0)
    {
      i+= k;
      run+= k;
      continue;
    }
    sds_buf_add(b, (const char *) p + i - run, run);
    run= 0;
    switch (c)
    {
    case '"': sds_buf_adds(b, "\\\""); break;
    case '\\': sds_buf_adds(b, "\\\\"); break;
    case '\n': sds_buf_adds(b, "\\n"); break;
    case '\r': sds_buf_adds(b, "\\r"); break;
    case '\t': sds_buf_adds(b, "\\t"); break;
    default:
      if (c < 0x20)
        sds_buf_printf(b, "\\u%04x", c);
      else
        sds_buf_adds(b, "\\ufffd");
    }
    i++;
  }
  sds_buf_add(b, (const char *) p + i - run, run);
  sds_buf_addc(b, '"');
}

void sds_buf_json_strz(sds_buf *b, const char *s)
{
  if (!s)
    sds_buf_adds(b, "null");
  else
    sds_buf_json_str(b, s, strlen(s));
}
