/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   String-keyed hash map (see sds_map.h). */
#include "sds_map.h"
#include "sds_quote.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot
{
  const char *key;
  void *value;
  unsigned hash;
} slot;

struct sds_map
{
  slot *slots;
  size_t cap;                   /* power of two */
  size_t count;
};

sds_map *sds_map_new(void)
{
  sds_map *m= calloc(1, sizeof(*m));
  if (!m)
    return NULL;
  m->cap= 64;
  m->slots= calloc(m->cap, sizeof(slot));
  if (!m->slots)
  {
    free(m);
    return NULL;
  }
  return m;
}

void sds_map_free(sds_map *m)
{
  if (!m)
    return;
  free(m->slots);
  free(m);
}

static slot *find(slot *slots, size_t cap, const char *key, unsigned h)
{
  size_t i= h & (cap - 1);
  for (;;)
  {
    slot *s= &slots[i];
    if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
      return s;
    i= (i + 1) & (cap - 1);
  }
}

static int grow(sds_map *m)
{
  size_t ncap= m->cap * 2, i;
  slot *ns= calloc(ncap, sizeof(slot));
  if (!ns)
    return -1;
  for (i= 0; i < m->cap; i++)
    if (m->slots[i].key)
      *find(ns, ncap, m->slots[i].key, m->slots[i].hash)= m->slots[i];
  free(m->slots);
  m->slots= ns;
  m->cap= ncap;
  return 0;
}

int sds_map_put(sds_map *m, const char *key, void *value)
{
  unsigned h= sds_fnv1a(key, strlen(key));
  slot *s;
  if ((m->count + 1) * 10 > m->cap * 7 && grow(m))
    return -1;
  s= find(m->slots, m->cap, key, h);
  if (!s->key)
  {
    s->key= key;
    s->hash= h;
    m->count++;
  }
  s->value= value;
  return 0;
}

void *sds_map_get(const sds_map *m, const char *key)
{
  unsigned h= sds_fnv1a(key, strlen(key));
  slot *s= find(m->slots, m->cap, key, h);
  return s->key ? s->value : NULL;
}

size_t sds_map_count(const sds_map *m)
{
  return m->count;
}
