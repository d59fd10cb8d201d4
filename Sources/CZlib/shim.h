// zlib, the system library (zlib1g-dev on Debian and Ubuntu; part of Apple's SDKs).
#include <zlib.h>

/// `inflateInit2(stream, 16 + MAX_WBITS)`: a gzip decoder (the macro is not visible to Swift).
static inline int czlib_inflate_init_gzip(z_streamp stream) {
  return inflateInit2(stream, 16 + MAX_WBITS);
}
