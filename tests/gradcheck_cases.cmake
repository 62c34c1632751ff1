# `metaplast plugins` and `metaplast plugins --gradcheck` (included by
# tests/CMakeLists.txt): every shipped rate rule with derivative hooks
# passes the gradcheck; a fixture with a deliberately wrong derivative
# fails with the wrong argument named; rules without derivative hooks are
# refused; the listing names plugins and the reasons of those that fail.
set(MP_PLUGINS_CASE ${CMAKE_CURRENT_SOURCE_DIR}/run_plugins_case.cmake)
set(MP_RATE_FIXTURE_DIR ${CMAKE_CURRENT_BINARY_DIR}/rateplugins)
foreach(rule pool oja ehebb pseudo_gradient hebb)
  add_test(NAME gradcheck_${rule}
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli>
            "-DARGS=--gradcheck|${rule}" -DRC=0
            "-DHAS=passed: ${rule}|p.|W |y_pre" -DHASNT=FAILED -P ${MP_PLUGINS_CASE})
  set_tests_properties(gradcheck_${rule} PROPERTIES ENVIRONMENT "${MP_TEST_ENV}")
endforeach()
add_test(NAME gradcheck_wrong_derivative_named
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli>
          "-DARGS=--gradcheck|${MP_RATE_FIXTURE_DIR}/bad_vjp_y_post.so" -DRC=1
          "-DHAS=FAILED: bad_vjp_y_post: y_post (|gradcheck of rule 'bad_vjp_y_post' failed"
          "-DHASNT=y_pre (|p.eta (|W (" -P ${MP_PLUGINS_CASE})
# oja, pseudo_gradient, hebb (eta), ehebb (theta0, theta2) and pool (every theta) take per-synapse
# coefficients: their gradient
# is checked entry by entry
foreach(rule oja pseudo_gradient ehebb pool hebb)
  add_test(NAME gradcheck_${rule}_per_synapse
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli>
            "-DARGS=--gradcheck|${rule}" -DRC=0
            "-DHAS=[synapse]  " -DHASNT=FAILED -P ${MP_PLUGINS_CASE})
  set_tests_properties(gradcheck_${rule}_per_synapse PROPERTIES ENVIRONMENT "${MP_TEST_ENV}")
endforeach()
add_test(NAME gradcheck_wrong_per_synapse_derivative_named
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli>
          "-DARGS=--gradcheck|${MP_RATE_FIXTURE_DIR}/bad_vjp_per_synapse.so" -DRC=1
          "-DHAS=FAILED: bad_vjp_per_synapse: p.eta[synapse] ("
          "-DHASNT=y_pre (|y_post (|p.eta (|W (" -P ${MP_PLUGINS_CASE})
set_tests_properties(gradcheck_wrong_per_synapse_derivative_named PROPERTIES
                     ENVIRONMENT "${MP_TEST_ENV}")
add_test(NAME gradcheck_refuses_spiking_rule
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli>
          "-DARGS=--gradcheck|istdp" -DRC=2
          "-DHAS=rule 'istdp' is not a rate rule (no step hook)" -P ${MP_PLUGINS_CASE})
add_test(NAME gradcheck_refuses_rule_without_hooks
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli>
          "-DARGS=--gradcheck|anti_hebb" -DRC=2
          "-DHAS=rule 'anti_hebb' offers no derivative hooks" -P ${MP_PLUGINS_CASE})
add_test(NAME gradcheck_unknown_rule
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli>
          "-DARGS=--gradcheck|no_such_rule" -DRC=2 "-DHAS=no_such_rule" -P ${MP_PLUGINS_CASE})
add_test(NAME gradcheck_missing_argument
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli>
          "-DARGS=--gradcheck" -DRC=2 "-DHAS=no rule after '--gradcheck'" -P ${MP_PLUGINS_CASE})
set_tests_properties(gradcheck_wrong_derivative_named gradcheck_refuses_spiking_rule
  gradcheck_refuses_rule_without_hooks gradcheck_unknown_rule gradcheck_missing_argument
  PROPERTIES ENVIRONMENT "${MP_TEST_ENV}")
add_test(NAME plugins_listing
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli> -DARGS= -DRC=0
          "-DHAS=plugin search path (in order):|name:    istdp|tau_pre|coef|step_vjp|plugin files, 0 failed to load|trace 2: postsynaptic, time constant tau_y|needs:   e_post e_pre (as its parameters ask)|coef,per_synapse|toggle|log"
          -P ${MP_PLUGINS_CASE})
set_tests_properties(plugins_listing PROPERTIES ENVIRONMENT "${MP_TEST_ENV}")
