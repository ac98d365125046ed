/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Small string-keyed hash map (open addressing). Keys are not copied:
   they must outlive the map (they point into the objects stored). */
#ifndef SDS_MAP_H
#define SDS_MAP_H

#include <stddef.h>

typedef struct sds_map sds_map;

sds_map *sds_map_new(void);
void sds_map_free(sds_map *m);
/* Returns 0, or -1 on allocation failure. Replaces an existing value. */
int sds_map_put(sds_map *m, const char *key, void *value);
void *sds_map_get(const sds_map *m, const char *key);
size_t sds_map_count(const sds_map *m);

#endif
