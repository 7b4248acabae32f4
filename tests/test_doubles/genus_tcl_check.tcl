# Part of the Genus TEST DOUBLE: evaluates the generated genus.tcl in a real
# TCL interpreter with Genus's commands stubbed, and logs each call with its
# arguments as TCL saw them, tab-separated (genus_tcl_calls.txt). Injected TCL such as
# [exec touch x] in a path would run here, as it would in Genus.
set script [lindex $argv 0]
set calls [open genus_tcl_calls.txt w]
foreach cmd {set_db read_hdl elaborate read_sdc syn_generic syn_map syn_opt report_timing
             report_area report_power report_gates report_qor write_hdl quit read_vcd} {
  proc $cmd args "puts \$::calls \[join \[list $cmd {*}\$args\] \\t\]"
}
rename source tcl_source
proc source {path} { puts $::calls "source\t$path" }
tcl_source $script
close $calls
