#ifndef LUNET_LUASHIM_H
#define LUNET_LUASHIM_H

#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

/// Swift's side of every Lua -> Swift call. Returns the number of results, or
/// -1 after pushing an error message (the trampoline then raises it, once the
/// Swift frame has returned, so no longjmp crosses Swift code).
typedef int (*lunet_dispatch_fn)(lua_State *L, lua_Integer functionID);

void lunet_set_dispatch(lunet_dispatch_fn fn);

/// Dispatcher results below zero: the error value on the stack is a message
/// to prefix with the caller's position, a value to raise as it is, or an
/// argument error for argument `LUNET_ARGERROR - result` in lauxlib's words.
#define LUNET_ERROR_MESSAGE (-1)
#define LUNET_ERROR_VALUE (-2)
#define LUNET_ARGERROR (-10)

/// Pushes a C closure that calls the dispatcher with `functionID`.
void lunet_push_function(lua_State *L, lua_Integer functionID);

/// The function ID of the binding at `idx`, or -1 when it is not a lunet binding.
lua_Integer lunet_binding_id(lua_State *L, int idx);

/// Message handler for lua_pcall: appends a traceback to the error message,
/// unless the message is the one it produced last (an error passed up from a
/// callback already has its traceback).
int lunet_traceback(lua_State *L);
/* Marks the message at the top of the stack as already carrying its
   traceback (a callback's error that Swift passes on, perhaps prefixed). */
void lunet_mark_traced(lua_State *L);

/// Runs the function at the top of the stack (below its `nargs` arguments)
/// with the traceback handler and SIGINT turned into a Lua error.
int lunet_pcall(lua_State *L, int nargs, int nresults, int traceback);

/// Opens the standard libraries under a protected call (memory errors stay Lua errors).
int lunet_openlibs(lua_State *L);

/// Set by SIGINT (or SIGUSR1) while Lua code runs; engine loops poll it.
int lunet_interrupt_pending(void);
void lunet_clear_interrupt(void);
/// For engine loops that stop cleanly on Ctrl-C: clears a pending interrupt
/// and removes the hook that would raise "interrupted!" at the next Lua
/// instruction, so the loop's result is returned. True when one was pending.
int lunet_consume_interrupt(void);

/* Wrappers for Lua's macros, which Swift cannot import. */
int lunet_registryindex(void);
void lunet_pop(lua_State *L, int n);
void lunet_newtable(lua_State *L);
void lunet_remove(lua_State *L, int idx);
void lunet_insert(lua_State *L, int idx);
const char *lunet_tostring(lua_State *L, int idx, size_t *len);
int lunet_isinteger(lua_State *L, int idx);
int lunet_loadbuffer(lua_State *L, const char *buffer, size_t size, const char *name);
/// Tells the collector that `kilobytes` were allocated outside Lua's heap.
void lunet_gc_step(lua_State *L, int kilobytes);
void lunet_gc_collect(lua_State *L);
int lunet_loadfile(lua_State *L, const char *path);

/* Pushes the script arguments as lua.c does (the global 'arg' table's 1..#arg);
   returns how many, or -1 with the error message on the stack. */
int lunet_pushargs(lua_State *L);

/* "Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio", as lua -v prints it. */
const char *lunet_lua_copyright(void);

#endif
