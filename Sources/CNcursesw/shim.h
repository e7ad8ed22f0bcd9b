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
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* A_* attributes are function-like macros, invisible to Swift. */
static inline attr_t hy_a_normal(void)    { return A_NORMAL; }
static inline attr_t hy_a_bold(void)      { return A_BOLD; }
static inline attr_t hy_a_reverse(void)   { return A_REVERSE; }
static inline attr_t hy_a_underline(void) { return A_UNDERLINE; }
static inline attr_t hy_a_dim(void)       { return A_DIM; }
static inline attr_t hy_a_italic(void)    { return A_ITALIC; }
static inline int hy_colors(void)         { return COLORS; }
static inline WINDOW *hy_stdscr(void)     { return stdscr; }

/* Mouse: left button presses and the wheel (buttons 4 and 5); the masks are macros. */
static inline mmask_t hy_mouse_mask(void) {
    return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED;
}

/* The pending mouse event: 1 left press, 4 wheel up, 5 wheel down, 0 other or none. */
static inline int hy_get_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    if (event.bstate & BUTTON4_PRESSED) return 4;
    if (event.bstate & BUTTON5_PRESSED) return 5;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    return 0;
}

/* The terminal's size from the kernel (SIGWINCH handling); 0 on success. */
static inline int hy_window_size(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return -1;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}

/* Crash signals (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT; Swift traps are SIGILL/SIGTRAP):
   leave curses mode so the shell is usable, then re-raise with the default action so the
   crash is still reported (core dump, exit status). endwin is not async-signal-safe; like
   htop, we accept that on a path that is about to die anyway. */
static inline void hy_crash_restore(int sig) {
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static inline void hy_install_crash_handlers(void) {
    static const int signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT };
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = hy_crash_restore;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaction(signals[i], &action, NULL);
}
#endif
