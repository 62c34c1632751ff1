# Every command shown in README.md and docs/*.md works as written (tests/
# doc_commands.sh says which run fully, which with a cap, which are only
# checked). Label slow: about 40 s, most of it loading MNIST for the rate
# models; skipped in the sanitizer pass of .ci/test.
find_program(MP_BASH bash)
if(MP_BASH)
  add_test(NAME doc_commands
    COMMAND ${MP_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/doc_commands.sh ${PROJECT_SOURCE_DIR}
            $<TARGET_FILE:metaplast_cli> ${CMAKE_CURRENT_BINARY_DIR}/doc_commands)
  set_tests_properties(doc_commands PROPERTIES LABELS "slow;docs" TIMEOUT 600)
  # The checker itself: a document of broken commands fails on each of them.
  add_test(NAME doc_commands_catches_broken
    COMMAND ${MP_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/doc_commands.sh ${PROJECT_SOURCE_DIR}
            $<TARGET_FILE:metaplast_cli> ${CMAKE_CURRENT_BINARY_DIR}/doc_commands_broken
            tests/data/doc_commands/broken.md)
  set_tests_properties(doc_commands_catches_broken PROPERTIES LABELS docs
    PASS_REGULAR_EXPRESSION "doc_commands: 9 commands, 8 failed")
endif()
