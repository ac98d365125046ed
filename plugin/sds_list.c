/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Comma-separated lists of names (frappe_sds_databases,
   frappe_sds_ignore_users): parsing, and the private copies the hook and
   the dispatcher read under the worker's lock. */
#include "sds_worker.h"

#include <stdlib.h>
#include <string.h>

/* The next item of a comma-separated list at *p (spaces around items
   ignored): its start, length in *len; NULL at the end. */
const char *sds_list_next(const char **p, size_t *len)
{
  const char *b= *p, *e;
  if (!b)
    return NULL;
  while (*b == ' ' || *b == ',')
    b++;
  if (!*b)
    return NULL;
  for (e= b; *e && *e != ','; e++)
    ;
  *p= e;
  for (*len= (size_t) (e - b); *len && b[*len - 1] == ' '; --*len)
    ;
  return b;
}

/* name in a comma-separated list */
int sds_list_has(const char *list, const char *name, size_t n)
{
  const char *item;
  size_t len;
  while ((item= sds_list_next(&list, &len)))
    if (len == n && memcmp(item, name, n) == 0)
      return 1;
  return 0;
}

/* The number of distinct names in the list. */
size_t sds_list_count(const char *list)
{
  const char *p= list, *item, *q, *other;
  size_t len, olen, n= 0;
  while ((item= sds_list_next(&p, &len)))
  {
    int seen= 0;
    q= list;
    while (!seen && (other= sds_list_next(&q, &olen)) && other < item)
      seen= olen == len && memcmp(other, item, len) == 0;
    n+= !seen;
  }
  return n;
}

/* Private copies of frappe_sds_databases / frappe_sds_ignore_users: the
   server may free the variables' strings on SET GLOBAL while a DDL reads
   them, so the hook reads these copies under the worker's lock. */
void sds_list_copy(char **dst, const char *src)
{
  char *c= NULL;
  if (src && *src)
  {
    size_t n= strlen(src) + 1;
    if ((c= malloc(n)))
      memcpy(c, src, n);
  }
  free(*dst);
  *dst= c;
}
