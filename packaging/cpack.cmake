# The Debian package: `scripts/release --deb` (or `cpack -G DEB` in a configured build) makes
# sesame_<version>_<arch>.deb from what `cmake --install` installs, under /usr.
#
# Dependencies: the C library comes from dpkg-shlibdeps (libstdc++, libsodium and pugixml are
# linked statically). libcurl is loaded on demand but every call to AWS needs it, so it is a
# Depends; libqrencode is only for mfa-setup's QR code (without it the secret is shown as text),
# so it is a Recommends. `sesame --version` says which of them this machine has.
set(SESAME_PACKAGE_MAINTAINER "sesame developers <sesame@example.org>"
    CACHE STRING "The Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sesame)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${SESAME_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "temporary AWS credentials for commands, from an encrypted vault")
# The extended description; CPack puts the summary above it and marks the blank line as " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "sesame keeps long-term AWS access keys in an encrypted file vault and turns
them into temporary credentials with STS (GetSessionToken with an MFA code,
AssumeRole chains, organization accounts), following ~/.aws/config as the
AWS CLI does. It hands them to a command's environment, to eval-able
exports, to credential_process, to loopback ECS and EC2 metadata endpoints,
to a subshell whose prompt shows the time left, or to a console sign-in.

Sessions are cached in the vault so an MFA code is asked once per chain;
its commands and flags follow aws-vault's.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libqrencode4")
# Loaded only when used: libsecret (the secret-service backend), libssl3's libcrypto (import --from
# aws-vault's file store); run only when chosen: pass, zenity, yubikey-manager (ykman).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "awscli, libsecret-1-0, libssl3, pass, zenity, yubikey-manager")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_SET_DESTDIR OFF)
# Packages are built in the build folder, never into the source tree.
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
include(CPack)
