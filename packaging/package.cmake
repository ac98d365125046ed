# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# Install rules and the Debian package (cpack -G DEB, from the build dir):
#   frappe-sds_<version>-<revision>_<arch>.deb (version 0.3.0-1: the
#   release and the Debian revision, SDS_DEB_REVISION)
#     <plugin_dir>/frappe_sds.so                  the library (the server's plugin_dir)
#     /usr/share/frappe-sds/{install,uninstall}.sql  the SQL API a DBA runs per site;
#                                   dba.sql beside them when the build makes it
#     /etc/mysql/mariadb.conf.d/frappe-sds.cnf     loads it; the variables (a conffile)
#     /usr/share/doc/frappe-sds/                   README.md, docs/*.md (README's links
#                                   stay relative), CHANGELOG.md if present,
#                                   copyright (GPL-3+), changelog.Debian.gz
#   Depends: the package of the mariadbd it was built against, at exactly
#   that version (a plugin is built for one server build, as MariaDB's own
#   plugin packages are).
# Installing or removing the package adds or removes a file under
# /etc/mysql, which activates mariadb-server's dpkg trigger (interest-noawait
# /etc/mysql): its postinst then restarts the server where there is no
# systemd (invoke-rc.d mariadb restart), and only reloads systemd's units
# where there is (docs/packaging-notes.md).
# Included by CMakeLists.txt after the targets frappe_sds and sds_sql.

# the server's plugin_dir, as mariadbd reports it; -DSDS_PLUGIN_DIR= wins
if(NOT SDS_PLUGIN_DIR)
  execute_process(COMMAND sh -c
    "mariadbd --no-defaults --verbose --help 2>/dev/null | awk '$1==\"plugin-dir\"{print $2}'"
    OUTPUT_VARIABLE SDS_PLUGIN_DIR OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()
if(NOT SDS_PLUGIN_DIR)
  set(SDS_PLUGIN_DIR /usr/lib/mysql/plugin)
endif()
string(REGEX REPLACE "/+$" "" SDS_PLUGIN_DIR "${SDS_PLUGIN_DIR}")

# The maturity the plugins declare (plugin/sds_plugin.c): the snippet
# lowers plugin_maturity only when it is below gamma, Debian's default.
file(STRINGS ${CMAKE_SOURCE_DIR}/plugin/sds_plugin.c SDS_MATURITY_LINES
     REGEX "MariaDB_PLUGIN_MATURITY_[A-Z]+")
string(REGEX MATCHALL "MariaDB_PLUGIN_MATURITY_[A-Z]+" SDS_MATURITY "${SDS_MATURITY_LINES}")
list(REMOVE_DUPLICATES SDS_MATURITY)
list(LENGTH SDS_MATURITY n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "plugin/sds_plugin.c: expected one plugin maturity, found: ${SDS_MATURITY}")
endif()
string(REPLACE "MariaDB_PLUGIN_MATURITY_" "" SDS_MATURITY "${SDS_MATURITY}")
string(TOLOWER "${SDS_MATURITY}" SDS_MATURITY)
if(SDS_MATURITY STREQUAL "gamma" OR SDS_MATURITY STREQUAL "stable")
  set(SDS_MATURITY_BLOCK
"# The plugins declare maturity ${SDS_MATURITY}: Debian's server (plugin_maturity
# = gamma by default) loads them as they are.")
else()
  set(SDS_MATURITY_BLOCK
"# The plugins declare maturity ${SDS_MATURITY}; Debian's server loads only gamma
# or better by default. This lowers the bar for every plugin of the server:
plugin_maturity = ${SDS_MATURITY}")
endif()
set(SDS_VERSION ${PROJECT_VERSION})
configure_file(${CMAKE_SOURCE_DIR}/packaging/frappe-sds.cnf.in
               ${CMAKE_BINARY_DIR}/packaging/frappe-sds.cnf @ONLY)
set(SDS_CONF_DIR /etc/mysql/mariadb.conf.d)
file(WRITE ${CMAKE_BINARY_DIR}/packaging/conffiles "${SDS_CONF_DIR}/frappe-sds.cnf\n")

set(SDS_DEB_REVISION 1 CACHE STRING "Debian revision of the package (<version>-<revision>)")
set(SDS_DEB_MAINTAINER "frappe_sds authors <maintainers@users.noreply.r-seed-ef048168.example>")

install(TARGETS frappe_sds LIBRARY DESTINATION ${SDS_PLUGIN_DIR})
install(FILES ${SDS_SQL_OUT}/install.sql ${SDS_SQL_OUT}/uninstall.sql
        ${SDS_SQL_OUT}/runtime.sql DESTINATION share/frappe-sds)
# the DBA's database frappe_sds (sql/dba/, assembled by the build when the
# tree has it); OPTIONAL: a tree without sql/dba/ packages no dba.sql
install(FILES ${SDS_SQL_OUT}/dba.sql DESTINATION share/frappe-sds OPTIONAL)
install(FILES ${CMAKE_BINARY_DIR}/packaging/frappe-sds.cnf DESTINATION ${SDS_CONF_DIR})

# The documentation, where Debian puts a package's documentation
set(SDS_DOC_DIR share/doc/frappe-sds)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/copyright ${CMAKE_SOURCE_DIR}/README.md
        DESTINATION ${SDS_DOC_DIR})
if(EXISTS ${CMAKE_SOURCE_DIR}/CHANGELOG.md)
  install(FILES ${CMAKE_SOURCE_DIR}/CHANGELOG.md DESTINATION ${SDS_DOC_DIR})
endif()
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${SDS_DOC_DIR}/docs
        FILES_MATCHING PATTERN "*.md")
# changelog.Debian.gz: one entry for this package version, pointing at the
# release notes; dated SOURCE_DATE_EPOCH when set (reproducible), else now;
# gzip -n: no name or time stamp inside (as Debian's policy asks)
string(TIMESTAMP SDS_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE ${CMAKE_BINARY_DIR}/packaging/changelog.Debian
"frappe-sds (${PROJECT_VERSION}-${SDS_DEB_REVISION}) unstable; urgency=medium

  * frappe_sds ${PROJECT_VERSION}, packaged with CPack from the project's tree.
    Release notes: /usr/share/doc/frappe-sds/CHANGELOG.md (when present)
    and README.md.

 -- ${SDS_DEB_MAINTAINER}  ${SDS_DEB_DATE}
")
find_program(SDS_GZIP gzip)
if(NOT SDS_GZIP)
  message(FATAL_ERROR "gzip not found (it compresses changelog.Debian)")
endif()
execute_process(COMMAND ${SDS_GZIP} -9nc
  INPUT_FILE ${CMAKE_BINARY_DIR}/packaging/changelog.Debian
  OUTPUT_FILE ${CMAKE_BINARY_DIR}/packaging/changelog.Debian.gz
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip of packaging/changelog.Debian failed (${rc})")
endif()
install(FILES ${CMAKE_BINARY_DIR}/packaging/changelog.Debian.gz DESTINATION ${SDS_DOC_DIR})

# The server package to depend on: the one that installed mariadbd, at the
# version installed now (-DSDS_DEB_SERVER_DEPENDS="pkg (= ver)" wins).
if(NOT DEFINED SDS_DEB_SERVER_DEPENDS)
  find_program(SDS_MARIADBD mariadbd PATHS /usr/sbin /usr/local/sbin)
  set(SDS_DEB_SERVER_DEPENDS "")
  if(SDS_MARIADBD)
    get_filename_component(mariadbd_real ${SDS_MARIADBD} REALPATH)
    execute_process(COMMAND sh -c "dpkg-query -S '${mariadbd_real}' 2>/dev/null || dpkg-query -S '${SDS_MARIADBD}' 2>/dev/null"
      OUTPUT_VARIABLE srv_pkg OUTPUT_STRIP_TRAILING_WHITESPACE)
    string(REGEX REPLACE ":.*" "" srv_pkg "${srv_pkg}")
    if(srv_pkg)
      execute_process(COMMAND dpkg-query -W -f=\${Version} ${srv_pkg}
        OUTPUT_VARIABLE srv_ver OUTPUT_STRIP_TRAILING_WHITESPACE)
      set(SDS_DEB_SERVER_DEPENDS "${srv_pkg} (= ${srv_ver})")
    endif()
  endif()
  if(NOT SDS_DEB_SERVER_DEPENDS)
    message(WARNING "mariadbd is not from a Debian package: the .deb will not depend on a server")
  endif()
endif()

execute_process(COMMAND dpkg --print-architecture
  OUTPUT_VARIABLE SDS_DEB_ARCH OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT SDS_DEB_ARCH)
  set(SDS_DEB_ARCH amd64)
endif()

set(CPACK_PACKAGE_NAME frappe-sds)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "frappe_sds authors")
set(CPACK_PACKAGE_CONTACT "${SDS_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE ${SDS_DEB_REVISION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "SymmetricDS replication setup for Frappe/ERPNext sites (MariaDB plugin)")
# (CPack puts the summary first and indents these lines)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"frappe_sds makes a Frappe/ERPNext site's MariaDB database configure its own
SymmetricDS replication, company by company: each branch server holds and
sends back only the data of the companies it hosts. This package holds the
MariaDB plugin and UDF library (loaded by the mariadb.conf.d snippet at the
next server restart) and the SQL API (/usr/share/frappe-sds/install.sql)
that a DBA installs into each site database. Documentation:
/usr/share/doc/frappe-sds/.")
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${SDS_DEB_ARCH})
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${SDS_DEB_SERVER_DEPENDS}")
find_program(SDS_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(SDS_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)    # + libc6 (>= ...)
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_FILE_NAME
    ${CPACK_PACKAGE_NAME}_${PROJECT_VERSION}-${SDS_DEB_REVISION}_${SDS_DEB_ARCH}.deb)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
include(CPack)
