# Monitor commands for vgdb_monitor (vgdb_monitor.vgtest); $1: its pid.
# vgdb prints what each command printed, after a "sending command" line
# (on stderr: sent to stdout too, to keep the order).
exec 2>&1
vgdb --pid="$1" help
vgdb --pid="$1" leak_check full asked from vgdb
vgdb --pid="$1" checkpoint 0 first
vgdb --pid="$1" checkpoint second
vgdb --pid="$1" leak_check summary
vgdb --pid="$1" checkpoint lots
vgdb --pid="$1" checkpoint 99999999 too many
