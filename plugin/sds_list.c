/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Comma-separated lists of names (frappe_sds_databases,
   frappe_sds_ignore_users): parsing, and the private copies the hook and
   the dispatcher read under the worker's lock. */
#include "sds_worker.h"

#include <stdlib.h>
#include <string.h>
/* The next item of a comma-separated list at *p (spaces around items
   ignored): its start, length in *len; NULL at the end. */
const char *next_listed(const char **p, size_t *len)
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
int in_list(const char *list, const char *name, size_t n)
{
  const char *item;
  size_t len;
  while ((item= next_listed(&list, &len)))
    if (len == n && memcmp(item, name, n) == 0)
      return 1;
  return 0;
}

/* each name of the comma-separated list, trimmed, to fn */
void for_each_listed(const char *list,
                            void (*fn)(const char *, void *), void *arg)
{
  const char *item;
  char name[SDS_NAME_BYTES + 1];
  size_t len;
  while ((item= next_listed(&list, &len)))
    if (len && len <= SDS_NAME_BYTES)
    {
      memcpy(name, item, len);
      name[len]= '\0';
      fn(name, arg);
    }
}

/* Private copies of frappe_sds_databases / frappe_sds_ignore_users: the
   server may free the variables' strings on SET GLOBAL while a DDL reads
   them, so the hook reads these copies under `lock` instead. */
char *db_list, *user_list;
int shared_refusal_logged;   /* worker_account(), under lock */

void set_copy(char **dst, const char *src)
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

void sds_ddl_reload_lists(void)
{
  pthread_mutex_lock(&lock);
  set_copy(&db_list, sds_opt_databases);
  set_copy(&user_list, sds_opt_ignore_users);
  shared_refusal_logged= 0;
  pthread_mutex_unlock(&lock);
}

/* a list of distinct database names */

void dblist_add(const char *db, void *arg)
{
  dblist *l= arg;
  size_t i;
  void *p;
  for (i= 0; i < l->n; i++)
    if (!strcmp(l->v[i], db))
      return;
  if (!(p= realloc(l->v, (l->n + 1) * sizeof(*l->v))))
    return;
  l->v= p;
  strcpy(l->v[l->n++], db);
}
