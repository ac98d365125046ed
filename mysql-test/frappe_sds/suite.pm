package My::Suite::Frappe_sds;
# mtr suite object for frappe_sds. mtr loads this with `do` when the suite is
# collected, i.e. before any server starts, so the environment set here is
# seen by suite.opt ($FRAPPE_SDS_PLUGIN_DIR) and by every test ($FRAPPE_SDS_SRC).
use File::Basename qw(dirname);
use Cwd qw(abs_path);

@ISA = qw(My::Suite);

my $suitedir = dirname(abs_path(__FILE__));      # resolves a symlinked suite
$ENV{FRAPPE_SDS_SRC} ||= abs_path("$suitedir/../..");
$ENV{FRAPPE_SDS_PLUGIN_DIR} ||= "$ENV{FRAPPE_SDS_SRC}/build";
$ENV{FRAPPE_SDS_SQL} ||= "$ENV{FRAPPE_SDS_SRC}/build/sql";
$ENV{FRAPPE_SDS_PLUGIN_DIR} = abs_path($ENV{FRAPPE_SDS_PLUGIN_DIR})
  if -d $ENV{FRAPPE_SDS_PLUGIN_DIR};

return "frappe_sds.so not found in FRAPPE_SDS_PLUGIN_DIR=$ENV{FRAPPE_SDS_PLUGIN_DIR}"
  unless -f "$ENV{FRAPPE_SDS_PLUGIN_DIR}/frappe_sds.so";
return "fixtures not found under FRAPPE_SDS_SRC=$ENV{FRAPPE_SDS_SRC}"
  unless -f "$ENV{FRAPPE_SDS_SRC}/fixtures/erpnext-v13.15.2-metadata.sql.gz";

bless { };
