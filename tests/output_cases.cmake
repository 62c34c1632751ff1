# Output files at the command line (docs/cli.md "Output files"), through
# tests/run_output_case.cmake:
#   output_run_no_symlinks: a link inside --out at any recorder file (spiking
#       spikes/rate/state/weights, rate pc_angle/weights) or at summary.json
#       is refused by `run` (exit 1, the message names it), its target unchanged;
#   output_meta_no_symlinks: the same for log.jsonl, checkpoint.json and
#       result.json of `meta` (and log.jsonl on --resume);
#   output_meta_checkpoint_temp: a link at the old fixed temporary name
#       checkpoint.json.tmp is neither followed nor renamed into place;
#   output_meta_sigint: SIGINT during `meta` exits 130 with a checkpoint that
#       resumes to the same log as a run never interrupted;
#   output_meta_sigterm: SIGTERM as SIGINT, exit 143, no temporary file left,
#       and the message says it was interrupted;
#   output_meta_stale_temps: a new run or --resume removes the temporary files
#       (regular files of a dead pid, the exact names) a killed run left;
#   output_meta_command_quoted: result.json's "command" reruns with sh -c
#       when paths hold spaces and quotes;
#   output_run_failed_summary: summary.json says "status": "ok", or "failed"
#       with the error, after a blow-up (spiking and rate networks);
#   output_run_write_error: a recorder that cannot be written (file size
#       limit: EFBIG, the CLI ignoring SIGXFSZ) fails the run with the file
#       and the system's reason, and summary.json says so.
set(MP_OUTPUT_CASE ${CMAKE_CURRENT_SOURCE_DIR}/run_output_case.cmake)
foreach(case run_no_symlinks meta_no_symlinks meta_checkpoint_temp meta_sigint
             meta_sigterm meta_stale_temps meta_command_quoted run_failed_summary
             run_write_error)
  add_test(NAME output_${case}
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli> -DCASE=${case}
            -DSRC=${PROJECT_SOURCE_DIR} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/output_${case}
            -P ${MP_OUTPUT_CASE})
  set_tests_properties(output_${case} PROPERTIES ENVIRONMENT "${MP_TEST_ENV}")
endforeach()
