// GumbelTargetInfo is a header-only module (include/GumbelTargetInfo.h); a C target needs a
// source file to build.
#include "GumbelTargetInfo.h"
