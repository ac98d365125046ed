/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Quoting of identifiers and literals for SQL text that frappe_sds
   generates, and the checks for text that SymmetricDS post-processes
   (template variables "$(...)" are substituted anywhere in its texts,
   source_table_name understands ',', '*' and a leading '!'). */
#ifndef SDS_QUOTE_H
#define SDS_QUOTE_H

#include <stddef.h>
#include "sds_buf.h"

/* `name` with embedded backticks doubled. */
void sds_quote_ident(sds_buf *b, const char *s, size_t n);
void sds_quote_identz(sds_buf *b, const char *s);

/* A string literal that means the same whatever the sql_mode
   (NO_BACKSLASH_ESCAPES, ANSI_QUOTES) and that never contains "$(":
   'text' with quotes doubled when the text is plain, otherwise the
   hex form _utf8mb4 X'..' (_binary X'..' for bytes that are not
   well-formed UTF-8: the server refuses them as utf8mb4). */
void sds_quote_literal(sds_buf *b, const char *s, size_t n);
void sds_quote_literalz(sds_buf *b, const char *s);

/* 1 if s contains the SymmetricDS template opener "$(". */
int sds_has_template(const char *s, size_t n);

/* NULL when the table name can be given to SymmetricDS as
   sym_trigger.source_table_name verbatim; else the reason it cannot.
   Lengths are counted in characters (UTF-8), as MariaDB counts them. */
const char *sds_table_name_problem(const char *s, size_t n);
/* The same for a column name frappe_sds pastes into the SQL texts
   SymmetricDS substitutes (external_select, initial_load_select): empty,
   control characters, invalid UTF-8, over 64 characters, "$(". */
const char *sds_column_name_problem(const char *s, size_t n);
/* Number of UTF-8 characters in s (bytes that do not continue one). */
size_t sds_utf8_chars(const char *s, size_t n);

/* Lower-case ASCII slug: [a-z0-9_], other bytes become '_', runs of '_'
   collapse, at most max bytes. */
void sds_slug(sds_buf *b, const char *s, size_t n, size_t max);

/* 32-bit FNV-1a, for short stable suffixes. */
unsigned sds_fnv1a(const char *s, size_t n);

/* 1 if s is a safe node id / external id / group id: 1..50 bytes of
   [A-Za-z0-9_.-], not starting with '~' (reserved for sentinels). */
int sds_node_id_ok(const char *s, size_t n);

#endif
