# Generates what `cmake --install` puts beside the binary, from the binary SESAME itself:
#   OUT/sesame.1.gz             `sesame __man`, the man page (gzip -9n: reproducible, as Debian wants)
#   OUT/bash/sesame, OUT/zsh/_sesame, OUT/fish/sesame.fish    `sesame completion SHELL`
#   OUT/changelog.gz            CHANGELOG, compressed
# The environment is emptied so that nothing of the builder's shell reaches the output.
find_program(GZIP gzip REQUIRED)
file(MAKE_DIRECTORY ${OUT}/bash ${OUT}/zsh ${OUT}/fish)

function(generate out)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=SESAME_FILE_PASSPHRASE ${SESAME} ${ARGN}
                  OUTPUT_FILE ${out} RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "`sesame ${ARGN}` failed (${failed}) while generating ${out}")
  endif()
endfunction()

function(compress in out)
  execute_process(COMMAND ${GZIP} -9nc ${in} OUTPUT_FILE ${out} RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "gzip ${in} failed")
  endif()
endfunction()

generate(${OUT}/sesame.1 __man)
compress(${OUT}/sesame.1 ${OUT}/sesame.1.gz)
generate(${OUT}/bash/sesame completion bash)
generate(${OUT}/zsh/_sesame completion zsh)
generate(${OUT}/fish/sesame.fish completion fish)
compress(${CHANGELOG} ${OUT}/changelog.gz)
