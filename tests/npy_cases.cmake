# .npy data sets through the CLI: the model tests/models/valid/rate_npy
# (three Gaussian blobs saved with np.save, make_data.py there) trains with
# `metaplast run` and classifies its test set well above chance (1/3).
# The invalid .npy data cases are tests/models/invalid/rate_npy_* (model_cases.cmake).
add_test(NAME npy_rate_model_trains
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:metaplast_cli>
          -DMODEL=${CMAKE_CURRENT_SOURCE_DIR}/models/valid/rate_npy/model.json
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/npy_rate_model_trains
          -P ${CMAKE_CURRENT_SOURCE_DIR}/run_npy_case.cmake)
set_tests_properties(npy_rate_model_trains PROPERTIES ENVIRONMENT "${MP_TEST_ENV}"
                     LABELS model)
