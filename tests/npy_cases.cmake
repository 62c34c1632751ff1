# .npy data sets through the CLI (run_npy_case.cmake):
#   npy_rate_model_trains: tests/models/valid/rate_npy (three Gaussian blobs
#     saved with np.save, make_data.py there) trains with `metaplast run`
#     and classifies its test set well above chance (1/3);
#   npy_rate_regression_learns: tests/models/valid/rate_npy_regression
#     (y = tanh(A x) as .npy targets, training.loss mse): the test loss falls
#     from 0.56 to below 0.02.
# The invalid .npy data cases are tests/models/invalid/rate_npy_* (model_cases.cmake).
function(mp_npy_case name model kind)
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli>
            -DMODEL=${CMAKE_CURRENT_SOURCE_DIR}/models/valid/${model}/model.json
            -DWORK=${CMAKE_CURRENT_BINARY_DIR}/${name} -DKIND=${kind}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/run_npy_case.cmake)
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${MP_TEST_ENV}" LABELS model)
endfunction()

mp_npy_case(npy_rate_model_trains rate_npy classification)
mp_npy_case(npy_rate_regression_learns rate_npy_regression regression)
