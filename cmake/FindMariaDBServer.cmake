# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# FindMariaDBServer: what a MariaDB server plugin is built against.
#   MariaDBServer_INCLUDE_DIR        the directory with mysql/plugin.h (the
#                                    server's plugin API headers)
#   MariaDBServer_SERVICES_LIBRARY   libmysqlservices.a (the services a
#                                    dynamic plugin binds at load)
#   MariaDBServer_VERSION            from mysql_version.h
#   MariaDBServer_FOUND, and the imported target MariaDBServer::Plugin
#   (include dir, MYSQL_DYNAMIC_PLUGIN, the services archive linked whole).
# Where to look comes from the installed client tools, not from a list of
# one distribution's paths: `mariadb_config --variable=pkgincludedir`/
# `--variable=pkglibdir`, else pkg-config's libmariadb (includedir, libdir),
# with <includedir>/server as the server headers' place (Debian's
# libmariadbd-dev, MariaDB's own packages and a `make install` of the
# server tree all put them there). MariaDBServer_ROOT or
# -DMariaDBServer_INCLUDE_DIR=/-DMariaDBServer_SERVICES_LIBRARY= win.

set(_mdbs_inc_hints "")
set(_mdbs_lib_hints "")
if(MariaDBServer_ROOT)
  list(APPEND _mdbs_inc_hints ${MariaDBServer_ROOT}/include/mariadb/server
       ${MariaDBServer_ROOT}/include/mysql/server ${MariaDBServer_ROOT}/include)
  list(APPEND _mdbs_lib_hints ${MariaDBServer_ROOT}/lib ${MariaDBServer_ROOT}/lib64
       ${MariaDBServer_ROOT}/lib/mysql ${MariaDBServer_ROOT}/lib/mariadb)
endif()

find_program(MariaDBServer_CONFIG NAMES mariadb_config mysql_config)
if(MariaDBServer_CONFIG)
  foreach(_v pkgincludedir pkglibdir)
    execute_process(COMMAND ${MariaDBServer_CONFIG} --variable=${_v}
      OUTPUT_VARIABLE _d OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET
      RESULT_VARIABLE _rc)
    if(_rc EQUAL 0 AND _d)
      if(_v STREQUAL pkgincludedir)
        list(APPEND _mdbs_inc_hints ${_d}/server)
      else()
        list(APPEND _mdbs_lib_hints ${_d})
      endif()
    endif()
  endforeach()
  # older mariadb_config: no --variable; --include lists -I<dir> flags
  execute_process(COMMAND ${MariaDBServer_CONFIG} --include
    OUTPUT_VARIABLE _flags OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  string(REGEX MATCHALL "-I[^ ]+" _flags "${_flags}")
  foreach(_f IN LISTS _flags)
    string(SUBSTRING "${_f}" 2 -1 _d)
    list(APPEND _mdbs_inc_hints ${_d}/server)
  endforeach()
  execute_process(COMMAND ${MariaDBServer_CONFIG} --libs
    OUTPUT_VARIABLE _flags OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  string(REGEX MATCHALL "-L[^ ]+" _flags "${_flags}")
  foreach(_f IN LISTS _flags)
    string(SUBSTRING "${_f}" 2 -1 _d)
    list(APPEND _mdbs_lib_hints ${_d})
  endforeach()
endif()

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(_MDBS_PC QUIET libmariadb)
  if(_MDBS_PC_FOUND)
    pkg_get_variable(_d libmariadb includedir)
    if(_d)
      list(APPEND _mdbs_inc_hints ${_d}/mariadb/server ${_d}/server)
    endif()
    foreach(_d IN LISTS _MDBS_PC_INCLUDE_DIRS)
      list(APPEND _mdbs_inc_hints ${_d}/server)
    endforeach()
    list(APPEND _mdbs_lib_hints ${_MDBS_PC_LIBDIR} ${_MDBS_PC_LIBRARY_DIRS})
  endif()
endif()

find_path(MariaDBServer_INCLUDE_DIR mysql/plugin.h
  HINTS ${_mdbs_inc_hints}
  PATH_SUFFIXES mariadb/server mysql/server
  DOC "MariaDB server headers (mysql/plugin.h)")
find_library(MariaDBServer_SERVICES_LIBRARY
  NAMES libmysqlservices.a mysqlservices
  HINTS ${_mdbs_lib_hints}
  PATH_SUFFIXES mysql mariadb
  DOC "MariaDB's libmysqlservices.a")

if(MariaDBServer_INCLUDE_DIR AND EXISTS ${MariaDBServer_INCLUDE_DIR}/mysql_version.h)
  file(STRINGS ${MariaDBServer_INCLUDE_DIR}/mysql_version.h _l
       REGEX "^#define[ \t]+MYSQL_SERVER_VERSION[ \t]")
  if(_l MATCHES "\"([0-9]+\\.[0-9]+\\.[0-9]+)")
    set(MariaDBServer_VERSION ${CMAKE_MATCH_1})
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MariaDBServer
  REQUIRED_VARS MariaDBServer_INCLUDE_DIR MariaDBServer_SERVICES_LIBRARY
  VERSION_VAR MariaDBServer_VERSION
  REASON_FAILURE_MESSAGE
    "the server headers come with libmariadbd-dev (Debian) or MariaDB-devel, libmysqlservices.a with libmariadb-dev (or set MariaDBServer_ROOT)")

if(MariaDBServer_FOUND AND NOT TARGET MariaDBServer::Plugin)
  add_library(MariaDBServer::Plugin INTERFACE IMPORTED)
  set_target_properties(MariaDBServer::Plugin PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${MariaDBServer_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS MYSQL_DYNAMIC_PLUGIN
    # every service pointer a plugin may use, bound by the server at load
    INTERFACE_LINK_LIBRARIES
      "-Wl,--whole-archive;${MariaDBServer_SERVICES_LIBRARY};-Wl,--no-whole-archive")
endif()
mark_as_advanced(MariaDBServer_INCLUDE_DIR MariaDBServer_SERVICES_LIBRARY MariaDBServer_CONFIG)
