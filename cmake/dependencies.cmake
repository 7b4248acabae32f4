# The libraries labq links, as labq_dep_* targets every folder uses.
#
# Why not the packages' own targets directly: the `labq` command links the
# static archives that Debian's -dev packages ship (and C++'s runtime)
# instead of the shared libraries. Each shared library cost 0.5 to 1 ms of
# dynamic linking on every command (`labq --version`: 5.8 ms with them,
# about 3 ms without), more than a small query's whole work. Only targets
# with the LABQ_STATIC_DEPS property get the archives: labd, labq-serve and
# the tests load cpp-httplib, a shared library built against the shared ones.
# spdlog is used header-only everywhere (with fmt header-only), so no target
# needs libspdlog.so or libfmt.so.

find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS filesystem)
find_package(ZLIB REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)

option(LABQ_STATIC_LABQ "Link the labq command against static archives (faster start-up)" ON)
if(LABQ_SANITIZE OR LABQ_FUZZ)
  set(LABQ_STATIC_LABQ OFF)  # sanitizer runtimes want everything shared
endif()

# labq_dep_NAME: SHARED (a target) normally; ARCHIVE (a static library file
# name, looked up in the system library folders) for a LABQ_STATIC_DEPS
# target, when LABQ_STATIC_LABQ is on and the archive exists.
function(labq_dependency name shared archive)
  add_library(labq_dep_${name} INTERFACE)
  find_library(LABQ_${name}_ARCHIVE NAMES ${archive} NO_CACHE)
  if(LABQ_STATIC_LABQ AND LABQ_${name}_ARCHIVE)
    set(static "$<BOOL:$<TARGET_PROPERTY:LABQ_STATIC_DEPS>>")
    target_link_libraries(labq_dep_${name} INTERFACE
      "$<${static}:${LABQ_${name}_ARCHIVE}>" "$<$<NOT:${static}>:${shared}>" ${ARGN})
    # Headers and definitions come from the package's target either way.
    target_include_directories(labq_dep_${name} SYSTEM INTERFACE
      $<TARGET_PROPERTY:${shared},INTERFACE_INCLUDE_DIRECTORIES>)
  else()
    target_link_libraries(labq_dep_${name} INTERFACE ${shared})
  endif()
endfunction()

labq_dependency(sqlite SQLite::SQLite3 libsqlite3.a m Threads::Threads ${CMAKE_DL_LIBS})
labq_dependency(yaml yaml-cpp libyaml-cpp.a)
labq_dependency(boost_filesystem Boost::filesystem libboost_filesystem.a)
labq_dependency(zlib ZLIB::ZLIB libz.a)
labq_dependency(crypto OpenSSL::Crypto libcrypto.a Threads::Threads ${CMAKE_DL_LIBS})

add_library(labq_dep_spdlog INTERFACE)
target_compile_definitions(labq_dep_spdlog INTERFACE SPDLOG_FMT_EXTERNAL)
target_link_libraries(labq_dep_spdlog INTERFACE fmt::fmt-header-only Threads::Threads)

# What a LABQ_STATIC_DEPS executable adds: the C++ runtime linked in.
function(labq_static_executable target)
  if(LABQ_STATIC_LABQ)
    set_target_properties(${target} PROPERTIES LABQ_STATIC_DEPS ON)
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
  endif()
endfunction()
