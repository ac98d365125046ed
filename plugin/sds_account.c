/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   The worker's accounts: which account serves a site
   (frappe_sds_worker_user, one per site with "%s"), and its password from
   frappe_sds_worker_password_file (one password, or one "<db> <password>"
   line per site). Run in a site's pass thread. */
#include "sds_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether the password file's first line is "<db> <password>" for a
   site the DBA listed (a file of per-site lines), not one password. */
static int per_site_file(const char *first)
{
  const char *sp= strchr(first, ' ');
  int r;
  if (!sp)
    return 0;
  pthread_mutex_lock(&sds_worker_lock);
  r= sds_db_list && sds_list_has(sds_db_list, first, (size_t) (sp - first));
  pthread_mutex_unlock(&sds_worker_lock);
  return r;
}

/* The password of site db's worker account, from
   frappe_sds_worker_password_file, which only the server's OS user may
   read (refused otherwise): the rest of the line "<db> <password>" when
   the file has one for the site (one password per site), else its first
   line (one password for all) unless that is such a line for another
   site. No file: no password. 0, or -1 (logged). */
int sds_read_password(sds_site *s, char *pw, size_t pwsz)
{
  const char *path= sds_opt_worker_password_file;
  char buf[8192], *line, *next;
  size_t dbl= strlen(s->name);
  struct stat st;
  ssize_t n;
  int fd;
  pw[0]= '\0';
  if (!path || !*path)
    return 0;
  if ((fd= open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
  {
    sds_worker_error(s, "cannot open frappe_sds_worker_password_file %s: %s",
                     path, strerror(errno));
    return -1;
  }
  if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (st.st_mode & 077) ||
      st.st_uid != geteuid())
  {
    close(fd);
    sds_worker_error(s, "frappe_sds_worker_password_file %s must be a "
                     "regular file owned by the server's user and readable "
                     "by it only (chmod 600)", path);
    return -1;
  }
  n= read(fd, buf, sizeof(buf) - 1);
  close(fd);
  buf[n < 0 ? 0 : n]= '\0';
  for (line= buf; line; line= next)
  {
    if ((next= strpbrk(line, "\r\n")))
      *next++= '\0';
    if (!strncmp(line, s->name, dbl) && line[dbl] == ' ')
    {
      line+= dbl + 1;
      break;
    }
  }
  if (!line && per_site_file(buf))
  {
    memset(buf, 0, sizeof(buf));
    sds_worker_error(s, "frappe_sds_worker_password_file %s has no line "
                     "\"%s <password>\"", path, s->name);
    return -1;
  }
  if (!line)
    line= buf;
  n= (ssize_t) strlen(line);
  if ((size_t) n < pwsz)
    memcpy(pw, line, (size_t) n + 1);
  memset(buf, 0, sizeof(buf));
  if ((size_t) n >= pwsz)
  {
    sds_worker_error(s, "frappe_sds_worker_password_file %s: the password "
                     "for %s is longer than %u bytes", path, s->name,
                     (unsigned) pwsz - 1);
    return -1;
  }
  return 0;
}

/* The account that serves the site: frappe_sds_worker_user with its "%s"
   replaced by the database name (one account per site, each with rights
   on its own site only), or frappe_sds_worker_user itself when it has no
   "%s" -- refused while frappe_sds_databases lists more than one site:
   the code a served site's user can put in its sds__sync_run would run
   with rights on the other sites. 0, or -1 (error set). */
int sds_worker_account(sds_site *s, sds_buf *out)
{
  const char *t= sds_opt_worker_user, *ph;
  size_t sites;
  int logged;
  if (!t || !*t)
  {
    sds_worker_error(s, "frappe_sds_worker_user is not set: no site is "
                     "served");
    return -1;
  }
  if ((ph= strstr(t, "%s")))
  {
    sds_buf_add(out, t, (size_t) (ph - t));
    sds_buf_adds(out, s->name);
    sds_buf_adds(out, ph + 2);
    /* the server's limit on user names */
    if (strstr(ph + 2, "%s") || out->oom ||
        sds_utf8_chars(out->data, out->len) > 128)
      goto bad;
    return 0;
  }
  pthread_mutex_lock(&sds_worker_lock);
  sites= sds_list_count(sds_db_list);
  logged= sds_worker_refusal_logged;
  sds_worker_refusal_logged= sites > 1;
  pthread_mutex_unlock(&sds_worker_lock);
  if (sites > 1)
  {
    if (!logged)          /* once per setting, not at every poll */
      sds_worker_error(NULL, "frappe_sds_worker_user %s would serve every "
              "site of frappe_sds_databases as one account (a site's own code "
              "would run with rights on the others): nothing is served; create "
              "one account per site and set frappe_sds_worker_user to a name "
              "with %%s for the database, e.g. %s_%%s", t, t);
    return -1;
  }
  sds_buf_adds(out, t);
  return out->oom ? -1 : 0;
bad:
  sds_worker_error(s, "frappe_sds_worker_user %s: at most one %%s, and a "
                   "user name of at most 128 characters for database %s",
                   t, s->name);
  return -1;
}
