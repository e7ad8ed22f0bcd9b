#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
/* The wide-character API is only declared with these defines; SwiftPM drops
   the -D flags pkg-config would give, so they live here. */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* A_* attributes are function-like macros, invisible to Swift. */
static inline attr_t hy_a_normal(void)    { return A_NORMAL; }
static inline attr_t hy_a_bold(void)      { return A_BOLD; }
static inline attr_t hy_a_reverse(void)   { return A_REVERSE; }
static inline attr_t hy_a_underline(void) { return A_UNDERLINE; }
static inline attr_t hy_a_dim(void)       { return A_DIM; }
static inline attr_t hy_a_italic(void)    { return A_ITALIC; }
static inline int hy_colors(void)         { return COLORS; }
#endif
