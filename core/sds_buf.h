/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Growable byte buffer used by the pure core to build SQL and JSON text.
   Every append reports allocation failure through the buffer's error flag,
   so callers check once at the end instead of after every call. */
#ifndef SDS_BUF_H
#define SDS_BUF_H

#include <stddef.h>
#include "sds_alloc.h"

typedef struct sds_buf
{
  char *data;      /* never NULL, always NUL-terminated (a static "" until
                      the first allocation) */
  size_t len;
  size_t cap;
  int oom;         /* set once an allocation failed; later appends no-op */
} sds_buf;

void sds_buf_init(sds_buf *b);
void sds_buf_free(sds_buf *b);
void sds_buf_reset(sds_buf *b);
/* Takes ownership of the data; the buffer is left empty. NULL on OOM. */
char *sds_buf_steal(sds_buf *b, size_t *len);
void sds_buf_add(sds_buf *b, const char *s, size_t n);
void sds_buf_adds(sds_buf *b, const char *s);
void sds_buf_addc(sds_buf *b, char c);
void sds_buf_printf(sds_buf *b, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
/* JSON string literal with quotes; invalid UTF-8 bytes become U+FFFD. */
void sds_buf_json_str(sds_buf *b, const char *s, size_t n);
void sds_buf_json_strz(sds_buf *b, const char *s);  /* NULL -> null */

#endif
