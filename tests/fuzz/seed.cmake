# Builds the seed corpora of the fuzz targets from the shipped files
# (cmake -DSRC=source -DOUT=build/fuzz -DCLI=metaplast -DPLUGINS=dir -P seed.cmake):
#   OUT/corpus/<target>/  seeds, read-only for the runs (tests/fuzz/run.sh)
#   OUT/files/            the folder relative paths in fuzzed inputs resolve
#                         from: spike files, the npm digits, the models that
#                         the experiment seeds name
# A path inside a seed becomes its last component (the fuzz targets skip
# inputs holding '/': tests/fuzz/fuzz_common.h), and Fashion-MNIST's folder
# becomes "fashion", where the targets write a tiny one.
set(corpus ${OUT}/corpus)
set(files ${OUT}/files)
file(REMOVE_RECURSE ${corpus})
foreach(t model experiment set checkpoint idx spikes npy)
  file(MAKE_DIRECTORY ${corpus}/${t})
endforeach()
file(MAKE_DIRECTORY ${files})

# Paths inside a JSON text -> their last component.
function(flatten text out)
  string(REPLACE "/usr/share/datasets/fashion-mnist" "fashion" text "${text}")
  string(REGEX REPLACE "\"[^\"\n]*/([^\"/\n]*)\"" "\"\\1\"" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

function(seed_name path out)
  file(RELATIVE_PATH rel ${SRC} ${path})
  string(MAKE_C_IDENTIFIER "${rel}" id)
  set(${out} ${id} PARENT_SCOPE)
endfunction()

# Spike files: seeds of the spikes target and reachable by models.
file(GLOB_RECURSE csvs ${SRC}/tests/models/*.csv)
foreach(f ${csvs})
  seed_name(${f} id)
  configure_file(${f} ${corpus}/spikes/${id} COPYONLY)
  get_filename_component(base ${f} NAME)
  configure_file(${f} ${files}/${base} COPYONLY)
endforeach()
file(COPY ${SRC}/tests/data/digits DESTINATION ${files})

# .npy arrays: seeds of the npy target, and reachable by the models that
# name them (the "npy" data sets of tests/models/; a name shared by two
# cases holds one of them).
file(GLOB_RECURSE npys ${SRC}/tests/data/npy/*.npy ${SRC}/tests/models/*.npy)
foreach(f ${npys})
  seed_name(${f} id)
  configure_file(${f} ${corpus}/npy/${id} COPYONLY)
  get_filename_component(base ${f} NAME)
  configure_file(${f} ${files}/${base} COPYONLY)
endforeach()

# Models and experiments.
file(GLOB_RECURSE jsons ${SRC}/models/*.json ${SRC}/tests/models/*.json
     ${SRC}/examples/*.json ${SRC}/tests/experiments/*.json)
foreach(f ${jsons})
  file(READ ${f} text)
  seed_name(${f} id)
  if(text MATCHES "\"metaplast-model\"")
    flatten("${text}" text)
    file(WRITE ${corpus}/model/${id} "${text}")
  elseif(text MATCHES "\"metaplast-experiment\"")
    # The model it names (the first "model" key: the top level's), copied
    # into files/ under a name of its own.
    string(REGEX MATCH "\"model\": *\"([^\"]*)\"" ref "${text}")
    get_filename_component(dir ${f} DIRECTORY)
    get_filename_component(model "${dir}/${CMAKE_MATCH_1}" ABSOLUTE)
    if(ref AND EXISTS ${model} AND NOT IS_DIRECTORY ${model})
      seed_name(${model} mid)
      file(READ ${model} mtext)
      flatten("${mtext}" mtext)
      file(WRITE ${files}/${mid}.json "${mtext}")
      string(FIND "${text}" "${ref}" at)
      string(LENGTH "${ref}" len)
      string(SUBSTRING "${text}" 0 ${at} head)
      math(EXPR rest "${at} + ${len}")
      string(SUBSTRING "${text}" ${rest} -1 tail)
      set(text "${head}\"model\": \"${mid}.json\"${tail}")
    endif()
    flatten("${text}" text)
    file(WRITE ${corpus}/experiment/${id} "${text}")
  endif()
endforeach()

# --set: the overrides of the model cases (one per line).
file(GLOB_RECURSE args ${SRC}/tests/models/*/args)
foreach(f ${args})
  file(STRINGS ${f} lines)
  list(FILTER lines EXCLUDE REGEX "^--")
  list(JOIN lines "\n" sets)
  seed_name(${f} id)
  file(WRITE ${corpus}/set/${id} "${sets}\n")
endforeach()

# Checkpoints: one and two iterations of the two experiments the checkpoint
# target reads (0.1 s each).
foreach(x vogels_fd vogels_cmaes)
  foreach(n 1 2)
    set(run ${OUT}/meta/${x}_${n})
    file(REMOVE_RECURSE ${run})
    execute_process(COMMAND ${CMAKE_COMMAND} -E env METAPLAST_PLUGIN_PATH=${PLUGINS}
                    ${CLI} meta ${SRC}/tests/experiments/valid/${x}/experiment.json
                    --out ${run} --max-iterations ${n} --quiet
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "seed.cmake: the meta run of ${x} failed (${rc})")
    endif()
    configure_file(${run}/checkpoint.json ${corpus}/checkpoint/${x}_${n} COPYONLY)
  endforeach()
endforeach()
