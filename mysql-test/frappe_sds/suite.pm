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

# The worker's account, as a DBA provisions it (README, "Setting up the
# worker"): a password file only the server's user can read, and an init
# file (run at every server start, before any test) creating the account
# with rights on the test site `site` only (suite.opt names both).
unless ($ENV{FRAPPE_SDS_WORKER_DIR} && -f "$ENV{FRAPPE_SDS_WORKER_DIR}/worker.sql") {
  require File::Temp;
  my $dir = File::Temp::tempdir("frappe_sds_worker.XXXXXX", TMPDIR => 1, CLEANUP => 1);
  my @c = ('a'..'z', 'A'..'Z', '0'..'9');
  my $pw = join('', map { $c[int(rand(@c))] } 1..24);
  my $old = umask(077);
  open(my $f, '>', "$dir/worker.pw") or die "worker.pw: $!";
  print $f "$pw\n";
  close($f);
  umask($old);
  open($f, '>', "$dir/worker.sql") or die "worker.sql: $!";
  print $f "CREATE USER IF NOT EXISTS frappe_sds_worker\@localhost IDENTIFIED BY '$pw';\n";
  print $f "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, EXECUTE, SHOW VIEW "
         . "ON `site`.* TO frappe_sds_worker\@localhost;\n";
  close($f);
  $ENV{FRAPPE_SDS_WORKER_DIR} = $dir;
}

return "frappe_sds.so not found in FRAPPE_SDS_PLUGIN_DIR=$ENV{FRAPPE_SDS_PLUGIN_DIR}"
  unless -f "$ENV{FRAPPE_SDS_PLUGIN_DIR}/frappe_sds.so";
return "fixtures not found under FRAPPE_SDS_SRC=$ENV{FRAPPE_SDS_SRC}"
  unless -f "$ENV{FRAPPE_SDS_SRC}/fixtures/erpnext-v13.15.2-metadata.sql.gz";

bless { };
